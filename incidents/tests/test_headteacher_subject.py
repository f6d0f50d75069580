"""A concern about the headteacher never reaches the headteacher: not in any view, list,
search, count, chronology, export, PDF or notification — also when the headteacher is
the e-safety officer."""

import datetime

import pytest
from django.urls import reverse

from esafety.models import Membership, Notification, Role
from esafety.testing import sign_in
from incidents.models import Incident, Part, PersonKind, Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db

SECRET = "Concern-about-the-head-XYZ"


@pytest.fixture(params=["headteacher only", "headteacher and e-safety officer"])
def case(request, personas, client):
    if request.param == "headteacher and e-safety officer":
        Membership.objects.create(
            user=personas.headteacher, school=personas.school, role=Role.ESAFETY_OFFICER
        )
    hidden = report(
        personas.school,
        personas.teacher,
        subject=Subject.HEADTEACHER,
        description=SECRET,
        category="staff_b",
        suspected_illegal_material=True,
        people=[{"person": personas.pupil, "name": "", "kind": PersonKind.PUPIL,
                 "part": Part.WITNESS}],
    )  # fmt: skip
    ordinary = report(
        personas.school,
        personas.teacher,
        description="An ordinary pupil matter",
        people=[{"person": personas.pupil, "name": "", "kind": PersonKind.PUPIL,
                 "part": Part.TARGET}],
    )  # fmt: skip
    sign_in(client, personas.headteacher)
    return personas, client, hidden, ordinary


def test_not_in_the_headteachers_scoped_queryset(case):
    personas, _, hidden, ordinary = case
    visible = Incident.objects.visible_to(personas.headteacher)
    assert hidden not in visible
    assert ordinary in visible


def test_detail_pdf_and_every_action_are_not_found(case):
    _, client, hidden, _ = case
    urls = [
        reverse("incident-detail", args=[hidden.pk]),
        reverse("incident-pdf", args=[hidden.pk]),
        reverse("incident-action", args=[hidden.pk, "note"]),
        reverse("incident-action", args=[hidden.pk, "sign-off"]),
        reverse("incident-action", args=[hidden.pk, "amend"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("incident-action", args=[hidden.pk, "acknowledge"])).status_code == 404
    )


def test_not_in_queue_search_or_count(case):
    _, client, hidden, ordinary = case
    page = client.get(reverse("incident-queue")).content.decode()
    assert ordinary.number in page and hidden.number not in page
    assert "1 incident matches" in page
    searched = client.get(reverse("incident-queue"), {"q": "XYZ"}).content.decode()
    assert hidden.number not in searched and "0 incidents match" in searched
    by_number = client.get(reverse("incident-queue"), {"q": hidden.number}).content.decode()
    assert f">{hidden.number}<" not in by_number


def test_not_in_home_panels_or_notifications(case):
    personas, client, hidden, _ = case
    home = client.get(reverse("home")).content.decode()
    assert hidden.number not in home
    assert not Notification.objects.filter(
        recipient=personas.headteacher, title__contains=hidden.number
    ).exists()
    notifications = client.get(reverse("notifications")).content.decode()
    assert hidden.number not in notifications


def test_not_in_pupil_chronology(case):
    personas, client, hidden, ordinary = case
    url = reverse("pupil-chronology", args=[personas.school.slug, personas.pupil.pk])
    page = client.get(url).content.decode()
    assert ordinary.number in page and hidden.number not in page


def test_not_in_csv_export(case):
    personas, client, hidden, ordinary = case
    export = client.get(reverse("incident-export", args=[personas.school.slug]))
    text = export.content.decode("utf-8-sig")
    assert ordinary.number in text
    assert hidden.number not in text and SECRET not in text


def test_the_chair_and_esafety_officer_do_see_it(case, client):
    personas, _, hidden, _ = case
    if Role.ESAFETY_OFFICER in personas.headteacher.memberships.values_list("role", flat=True):
        Membership.objects.filter(user=personas.esafety_officer).update(
            ended_on=datetime.date(2025, 10, 1)
        )
    for user in (personas.chair,):
        client.logout()
        sign_in(client, user)
        assert client.get(reverse("incident-detail", args=[hidden.pk])).status_code == 200
        pdf = client.get(reverse("incident-pdf", args=[hidden.pk]))
        assert pdf.status_code == 200


def test_trustee_counts_for_a_head_who_is_also_a_trustee_leave_it_out(case):
    from esafety.models import TrusteeMembership
    from esafety.testing import sign_in as login

    personas, client, _hidden, _ordinary = case
    TrusteeMembership.objects.create(
        user=personas.headteacher, trust=personas.school.trust, started_on=datetime.date(2025, 9, 1)
    )
    client.logout()
    login(client, personas.headteacher)
    home = client.get(reverse("home")).content.decode()
    # One incident counted for the school (the ordinary one), never two.
    assert "Incidents in the last 12 months" in home
    row = home.split(personas.school.name + "</th>")[1].split("</tr>")[0]
    assert '<td class="text-end">1</td>' in row
