"""A parent linked to a child is asked to sign for them at once: on their very next page,
not after the next sweep (up to five minutes later). No test here runs the sweep until
after it has looked."""

import datetime

import pytest
from django.urls import reverse

from agreements.models import SignRequest
from agreements.tests.factories import parent_agreement, published
from esafety.models import Membership, Notification, ParentLink, Role
from esafety.services import link_parent
from esafety.sweeps import run_sweeps
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def oakwood_agreement(personas):
    document = parent_agreement(personas.school)
    published(document, personas.esafety_officer, approver=personas.trustee)
    return document


@pytest.fixture
def elmridge_parent(personas):
    """Nia: a parent at Elmridge, the trust's other school, not yet known at Oakwood."""
    child = person(personas.other_school, Role.PUPIL, name="Ella Elm")
    parent = person(
        personas.other_school, Role.PARENT, name="Nia Neighbour", email="nia@home.example"
    )
    ParentLink.objects.create(parent=parent, child=child, relationship="mother")
    return parent


def to_sign_page(client, parent):
    sign_in(client, parent)
    return client.get(reverse("agreements-to-sign")).content.decode()


def test_a_parent_from_the_other_school_sees_the_childs_agreement_on_their_next_page(
    personas, client, oakwood_agreement, elmridge_parent, django_capture_on_commit_callbacks
):
    assert "Poppy Pupil" not in to_sign_page(client, elmridge_parent)
    sign_in(client, personas.esafety_officer)
    url = reverse("parent-link-from-trust", args=[personas.school.slug, personas.pupil.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nia@home.example", "relationship": "aunt"})
    assert response.status_code == 302
    page = to_sign_page(client, elmridge_parent)
    assert "Parent agreement" in page
    assert "Poppy Pupil" in page
    [request] = SignRequest.objects.filter(person=elmridge_parent)
    assert (request.subject, request.document) == (personas.pupil, oakwood_agreement)
    assert Notification.objects.filter(
        recipient=elmridge_parent, title__startswith="Please read and sign: Parent agreement"
    ).exists()
    # The sweep, when it comes, finds nothing more to ask.
    run_sweeps()
    assert SignRequest.objects.filter(person=elmridge_parent).count() == 1


def test_a_parent_linked_at_the_same_school_is_asked_at_once(
    personas, oakwood_agreement, django_capture_on_commit_callbacks
):
    second = person(personas.school, Role.PUPIL, name="Sam Second")
    with django_capture_on_commit_callbacks(execute=True):
        link_parent(parent=personas.parent, child=second, relationship="mother")
    subjects = set(
        SignRequest.objects.filter(person=personas.parent).values_list(
            "subject__full_name", flat=True
        )
    )
    assert subjects == {"Poppy Pupil", "Sam Second"}


def test_the_link_first_and_the_parent_role_after_asks_once_the_role_is_there(
    personas, oakwood_agreement, elmridge_parent, django_capture_on_commit_callbacks
):
    """However a screen orders the two writes, the request exists once both have."""
    with django_capture_on_commit_callbacks(execute=True):
        ParentLink.objects.create(parent=elmridge_parent, child=personas.pupil)
    assert not SignRequest.objects.filter(person=elmridge_parent).exists()  # not a parent here
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(user=elmridge_parent, school=personas.school, role=Role.PARENT)
    assert SignRequest.objects.filter(person=elmridge_parent, subject=personas.pupil).exists()


def test_an_ended_link_asks_nothing(
    personas, oakwood_agreement, elmridge_parent, django_capture_on_commit_callbacks
):
    Membership.objects.create(user=elmridge_parent, school=personas.school, role=Role.PARENT)
    with django_capture_on_commit_callbacks(execute=True):
        ParentLink.objects.create(
            parent=elmridge_parent, child=personas.pupil, ended_on=datetime.date(2020, 1, 1)
        )
    assert not SignRequest.objects.filter(person=elmridge_parent).exists()


def test_people_imported_from_a_file_are_asked_at_once(
    personas, client, oakwood_agreement, django_capture_on_commit_callbacks
):
    from esafety.people_import import COLUMN_NAMES, import_people

    header = ",".join(COLUMN_NAMES)
    rows = [
        "pupil,UPN9,Ivy,Import,,,4,,,,,,",
        "parent,C9,Ian,Import,ian@home.example,,,,,,UPN9,father,",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_people(
            school=personas.school,
            uploaded_file_or_text="\n".join([header, *rows]) + "\n",
            imported_by=personas.esafety_officer,
        )
    assert result.ok, [str(e) for e in result.errors]
    ian = Membership.objects.get(school=personas.school, external_id="C9").user
    [request] = SignRequest.objects.filter(person=ian)
    assert request.subject.full_name == "Ivy Import"
    assert "Ivy Import" in to_sign_page(client, ian)
