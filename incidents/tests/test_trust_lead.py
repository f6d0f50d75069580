"""The trust safeguarding lead: every school's incidents in the trust, concerns about staff
only when the trust's recorded setting says so, never a concern about the head to that
school's head; the second level of escalation; a trust-wide queue with a school filter."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esafety.models import Membership, Notification, Role
from esafety.roles import forget_access
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in
from incidents.models import Incident, Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def visible(user):
    forget_access(user)
    return set(Incident.objects.visible_to(user))


def test_the_lead_sees_every_schools_incidents_but_not_staff_concerns_by_default(
    personas, trust_lead
):
    here = report(personas.school, personas.teacher)
    there = report(personas.other_school, personas.other_school_teacher)
    staff = report(personas.school, personas.teacher, subject=Subject.STAFF)
    head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    draft = report(personas.school, personas.teacher, submit=False)
    assert visible(trust_lead) == {here, there}
    trust = personas.school.trust
    trust.lead_sees_staff_concerns = True
    trust.save()
    assert visible(trust_lead) == {here, there, staff, head}
    assert draft not in visible(trust_lead)
    assert trust.history.first().lead_sees_staff_concerns is True  # a recorded decision


def test_a_lead_who_is_also_a_head_never_sees_the_concern_about_themselves(personas, trust_lead):
    trust = personas.school.trust
    trust.lead_sees_staff_concerns = True
    trust.save()
    Membership.objects.create(
        user=trust_lead,
        school=personas.school,
        role=Role.HEADTEACHER,
        started_on=datetime.date(2025, 9, 1),
    )
    about_head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    elsewhere = report(
        personas.other_school, personas.other_school_teacher, subject=Subject.HEADTEACHER
    )
    seen = visible(trust_lead)
    assert about_head not in seen and elsewhere in seen


def test_another_trusts_lead_sees_nothing(personas, trust_lead):
    from esafety.testing import SchoolFactory, person

    elsewhere = SchoolFactory()
    report(elsewhere, person(elsewhere, Role.STAFF))
    assert visible(trust_lead) == set()


def test_trust_wide_queue_with_a_school_filter(personas, trust_lead, client):
    here = report(personas.school, personas.teacher, description="Oakwood chat messages")
    report(personas.other_school, personas.other_school_teacher, description="Elmridge game chat")
    sign_in(client, trust_lead)
    page = client.get(reverse("incident-queue")).content.decode()
    assert "Oakwood chat messages" in page and "Elmridge game chat" in page
    assert "All schools" in page
    filtered = client.get(reverse("incident-queue"), {"school": personas.school.pk})
    page = filtered.content.decode()
    assert "Oakwood chat messages" in page and "Elmridge game chat" not in page
    assert client.get(reverse("incident-detail", args=[here.pk])).status_code == 200


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def sweep_at(moment):
    jobs = {k: v for k, v in registered_jobs().items() if k.startswith("incidents.")}
    with time_machine.travel(moment, tick=False):
        return run_sweeps(jobs=jobs)


def test_second_level_escalation_a_working_day_after_the_head(personas, trust_lead):
    with time_machine.travel(at(27, 10), tick=False):  # a Friday
        incident = report(personas.school, personas.teacher)
    sweep_at(at(27, 17, 5))  # first level: the head
    incident.refresh_from_db()
    assert incident.escalated_to == personas.headteacher
    sweep_at(at(30, 17))  # Monday, just before a working day has passed
    assert not Notification.objects.filter(recipient=trust_lead).exists()
    sweep_at(at(30, 17, 10))
    sweep_at(at(30, 17, 15))  # once only
    titles = list(Notification.objects.filter(recipient=trust_lead).values_list("title", flat=True))
    assert titles == [f"Incident {incident.named} is still not acknowledged"]
    incident.refresh_from_db()
    assert incident.trust_escalated_to == trust_lead


def test_a_staff_concern_reaches_the_lead_only_if_the_trust_says_so(personas, trust_lead):
    with time_machine.travel(at(25, 10), tick=False):
        hidden = report(personas.school, personas.teacher, subject=Subject.STAFF)
    sweep_at(at(25, 17, 5))  # routed to the head; first level: the chair
    sweep_at(at(26, 17, 10))
    hidden.refresh_from_db()
    assert hidden.escalated_to == personas.chair and hidden.trust_escalated_to is None
    assert not Notification.objects.filter(recipient=trust_lead).exists()
    trust = personas.school.trust
    trust.lead_sees_staff_concerns = True
    trust.save()
    with time_machine.travel(at(25, 10), tick=False):
        shown = report(personas.school, personas.teacher, subject=Subject.STAFF)
    sweep_at(at(25, 17, 5))
    sweep_at(at(26, 17, 10))
    shown.refresh_from_db()
    assert shown.trust_escalated_to == trust_lead


def test_an_acknowledged_incident_is_not_escalated_again(personas, trust_lead):
    from incidents import services

    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.teacher)
    sweep_at(at(25, 17, 5))
    with time_machine.travel(at(26, 9), tick=False):
        services.acknowledge(incident=incident, by=personas.esafety_officer)
    sweep_at(at(26, 18))
    assert not Notification.objects.filter(recipient=trust_lead).exists()
