"""What the agreements app tells a subject access search: signatures given by or for the
person, with their consent answers; only signatures the searcher may see."""

import pytest

from agreements import services
from agreements.holdings import held_about
from agreements.tests.permissions_sign import ANSWERS, parent_document
from esafety.roles import access_for


def sign(p, version):
    return services.sign(
        version=version, signer=p.parent, subject=p.pupil, typed_name="Pat Parent", consents=ANSWERS
    )


def test_the_child_and_the_parent_both_find_the_signature_with_its_answers(personas):
    p = personas
    signature = sign(p, parent_document(p))
    for person in (p.pupil, p.parent):
        found = held_about(person, searcher=p.esafety_officer, school=p.school)
        assert [held.ref for held in found] == [f"signature:{signature.pk}"]
    details = dict(found[0].details)
    assert details["Signed by"].startswith("Pat Parent")
    assert details["Photos and videos on the school website"] == "No"
    assert details["Use of the internet at school"] == "Yes"


def test_only_signatures_the_searcher_may_see(personas):
    p = personas
    sign(p, parent_document(p))
    assert held_about(p.pupil, searcher=p.teacher, school=p.school) == []
    assert held_about(p.pupil, searcher=p.esafety_officer, school=p.other_school) == []


@pytest.mark.parametrize("extra", [0, 1])
def test_two_queries(personas, django_assert_num_queries, extra):
    p = personas
    version = parent_document(p)
    sign(p, version)
    if extra:
        services.sign(
            version=version,
            signer=p.parent,
            subject=p.pupil,
            typed_name="Pat Parent",
            consents={**ANSWERS, "website": True},
        )
    access_for(p.esafety_officer)  # the searcher's roles, read once a request
    with django_assert_num_queries(2):  # signatures, their answers
        found = held_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert len(found) == 1 + extra
