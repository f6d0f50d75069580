"""A parent already known at one school of the trust linked to a child at another: on the
child's page, and by the people import when the parent's email already exists. Either
way the parent gets the parent role at the second school, so its parent agreement asks
them to sign for the child there."""

import pytest
from django.urls import reverse

from agreements import services as agreements
from agreements.models import SignRequest
from agreements.tests.factories import parent_agreement, published
from esafety.models import Membership, ParentLink, Role, Trust
from esafety.people_import import COLUMN_NAMES, import_people
from esafety.testing import SchoolFactory, person, sign_in

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMN_NAMES)


@pytest.fixture
def elmridge_parent(personas):
    """Pat's neighbour Nia: a parent at Elmridge, the trust's other school."""
    child = person(personas.other_school, Role.PUPIL, name="Ella Elm")
    parent = person(
        personas.other_school, Role.PARENT, name="Nia Neighbour", email="nia@home.example"
    )
    ParentLink.objects.create(parent=parent, child=child, relationship="mother")
    return parent


def asked_to_sign_at_oakwood(personas, parent):
    document = parent_agreement(personas.school)
    published(document, personas.esafety_officer, approver=personas.trustee)
    agreements.sync_requests(document=document)
    return set(
        SignRequest.objects.filter(person=parent).values_list("subject__full_name", flat=True)
    )


def test_the_childs_page_links_a_parent_from_the_trusts_other_school(
    personas, client, elmridge_parent
):
    sign_in(client, personas.esafety_officer)
    url = reverse("parent-link-from-trust", args=[personas.school.slug, personas.pupil.pk])
    detail = reverse("person-detail", args=[personas.school.slug, personas.pupil.pk])
    assert url in client.get(detail).content.decode()
    response = client.post(url, {"email": "NIA@home.example", "relationship": "aunt"})
    assert response.status_code == 302
    link = ParentLink.objects.get(parent=elmridge_parent, child=personas.pupil)
    assert link.relationship == "aunt"
    assert (
        Membership.objects.active()
        .filter(user=elmridge_parent, school=personas.school, role=Role.PARENT)
        .exists()
    )
    assert link.history.earliest().history_user == personas.esafety_officer
    assert asked_to_sign_at_oakwood(personas, elmridge_parent) == {"Poppy Pupil"}


def test_nobody_outside_the_trust_is_found_by_email(personas, client):
    other_trust_school = SchoolFactory(trust=Trust.objects.create(name="Far Trust"))
    person(other_trust_school, Role.PARENT, name="Fay Far", email="fay@home.example")
    sign_in(client, personas.esafety_officer)
    url = reverse("parent-link-from-trust", args=[personas.school.slug, personas.pupil.pk])
    page = client.post(url, {"email": "fay@home.example"}).content.decode()
    assert "Nobody with this email address is known at the trust&#x27;s schools" in page
    assert not ParentLink.objects.filter(parent__full_name="Fay Far").exists()


def test_the_import_links_a_parent_whose_email_exists_at_the_other_school(
    personas, elmridge_parent
):
    pupil = Membership.objects.get(user=personas.pupil)
    pupil.external_id = "UPN777"
    pupil.save()
    rows = [HEADER, "parent,C01,Nia,Neighbour,nia@home.example,,,,,,UPN777,aunt,"]
    result = import_people(
        school=personas.school,
        uploaded_file_or_text="\n".join(rows) + "\n",
        imported_by=personas.esafety_officer,
    )
    assert result.ok, [str(issue) for issue in result.errors]
    assert ParentLink.objects.filter(parent=elmridge_parent, child=personas.pupil).exists()
    assert Membership.objects.filter(
        user=elmridge_parent, school=personas.school, role=Role.PARENT, external_id="C01"
    ).exists()
    assert elmridge_parent.memberships.count() == 2  # the same person, not a copy
    assert asked_to_sign_at_oakwood(personas, elmridge_parent) == {"Poppy Pupil"}
