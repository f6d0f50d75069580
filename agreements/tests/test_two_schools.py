"""Someone at two schools is told which school each thing is from: the things to sign,
the home panel, notifications, their agreements, and the incident queue."""

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import Document, Kind, SignRequest
from agreements.tests.factories import published
from esafety.models import Membership, Notification, Role
from esafety.testing import person, sign_in
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_school_technician(personas):
    """Tess works at Oakwood and at Elmridge; both schools publish an "E-safety policy"."""
    tess = personas.technician
    Membership.objects.create(user=tess, school=personas.other_school, role=Role.TECHNICIAN)
    for school in (personas.school, personas.other_school):
        document = Document.objects.create(
            school=school, kind=Kind.POLICY, title="E-safety policy", audience_roles=["technician"]
        )
        published(document, personas.esafety_officer, approver=personas.trustee)
        services.sync_requests(document=document)
    return tess


def test_things_to_sign_name_the_school(personas, client, two_school_technician):
    assert SignRequest.objects.filter(person=two_school_technician).count() == 2
    sign_in(client, two_school_technician)
    page = client.get(reverse("agreements-to-sign")).content.decode()
    for school in ("Oakwood Primary", "Elmridge Primary"):
        assert f'Read and sign<span class="visually-hidden"> E-safety policy, {school}' in page
    home = client.get(reverse("home")).content.decode()
    assert "<bdi>E-safety policy</bdi>, <bdi>Oakwood Primary</bdi></a>" in home
    assert "<bdi>E-safety policy</bdi>, <bdi>Elmridge Primary</bdi></a>" in home


def test_notifications_name_the_school(personas, two_school_technician):
    titles = set(
        Notification.objects.filter(recipient=two_school_technician).values_list("title", flat=True)
    )
    assert titles == {
        "Please read and sign: E-safety policy (Oakwood Primary)",
        "Please read and sign: E-safety policy (Elmridge Primary)",
    }


def test_my_agreements_name_the_school(personas, client, two_school_technician):
    row = SignRequest.objects.get(
        person=two_school_technician, document__school=personas.other_school
    )
    sign_in(client, two_school_technician)
    page = client.get(reverse("agreements-sign", args=[row.pk])).content.decode()
    assert "You are signing for yourself at <bdi>Elmridge Primary</bdi>." in page
    services.sign(
        version=row.version,
        signer=two_school_technician,
        subject=two_school_technician,
        typed_name="Tess Technician",
    )
    page = client.get(reverse("agreements-mine")).content.decode()
    assert "<bdi>E-safety policy</bdi></a>, <bdi>Elmridge Primary</bdi>" in page


def test_the_incident_queue_names_the_school_on_a_phone_too(personas, client):
    lead = person(personas.school, Role.ESAFETY_OFFICER, name="Lou Lead")
    Membership.objects.create(user=lead, school=personas.other_school, role=Role.ESAFETY_OFFICER)
    incident = report(personas.other_school, personas.other_school_teacher)
    sign_in(client, lead)
    page = client.get(reverse("incident-queue")).content.decode()
    assert '<th scope="col">School</th>' in page
    assert "<td>Elmridge Primary</td>" in page
    # Its notification names the school too (both schools number from 0001, as ELM-2026-0001).
    [title] = Notification.objects.filter(recipient=lead).values_list("title", flat=True)
    assert title == f"New e-safety incident {incident.reference} (Elmridge Primary) to acknowledge"
