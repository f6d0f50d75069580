"""The standard documents a school starts from."""

import pytest

from agreements.models import Kind, VersionStatus
from agreements.starter import install_standard_documents
from esafety.testing import person

pytestmark = pytest.mark.django_db


def test_every_standard_kind_arrives_once_as_a_draft(personas):
    created = install_standard_documents(personas.school, by=personas.esafety_officer)
    kinds = {document.kind for document in created}
    assert {Kind.POLICY, Kind.STAFF_AUP, Kind.PUPIL_KS1, Kind.PUPIL_KS2} <= kinds
    assert {Kind.PUPIL_SECONDARY, Kind.PARENT, Kind.TRUSTEE_AUP, Kind.VOLUNTEER_AUP} <= kinds
    for document in created:
        version = document.versions.get()
        assert version.status == VersionStatus.DRAFT
        assert version.text.startswith("# ")
    assert install_standard_documents(personas.school, by=personas.esafety_officer) == []


def test_parent_agreement_asks_consent_for_each_child_and_policy_keeps_the_seed_rules(personas):
    install_standard_documents(personas.school, by=personas.headteacher)
    parent = personas.school.documents.get(kind=Kind.PARENT)
    assert parent.asks_consent and parent.parents_sign_for_each_child and parent.renew_every_year
    text = personas.school.documents.get(kind=Kind.POLICY).versions.get().text
    policy_text = " ".join(text.split())
    assert "first name OR a photograph, never both" in policy_text
    assert "never taken as a yes" in policy_text
    # Current guidance, not the 2018 termly changes.
    assert "do not need to change it on a schedule" in policy_text


def test_each_school_gets_its_own_set(personas):
    install_standard_documents(personas.school, by=personas.headteacher)
    other = personas.other_school
    install_standard_documents(other, by=person(other, "headteacher"))
    assert other.documents.count() == personas.school.documents.count() == 8
