"""Safeguarding cover: the designated lead and deputy DSLs, absences, routing on the day,
escalation past an away head, the first deputy to acknowledge takes it, the cover page
and its rules. (Two deputies clicking at the same moment: test_cover_at_once.py.)"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esafety.models import Membership, Notification, Role
from esafety.roles import allowed
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import person, sign_in
from incidents import cover, services
from incidents.models import ActionKind, Subject
from incidents.models_cover import Absence, DesignatedLead
from incidents.tests.factories import report

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime.date(2026, 11, 25)
WEDNESDAY_10AM = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_wednesday_in_term():
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        yield


@pytest.fixture
def deputy(personas):
    """A second e-safety officer, who joined after Eddie: a deputy DSL."""
    user = person(personas.school, Role.ESAFETY_OFFICER, name="Dana Deputy")
    Membership.objects.filter(user=user).update(started_on=datetime.date(2026, 1, 5))
    return user


def away(p, who, days=(WEDNESDAY, WEDNESDAY), note=""):
    return cover.record_absence(
        school=p.school,
        person=who,
        away_from=days[0],
        away_to=days[1],
        note=note,
        by=p.headteacher,
    )


def notified(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def routing_note(incident):
    return incident.timeline.get(kind=ActionKind.ROUTING).text


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who is the lead -------------------------------------------------------------------------


def test_the_longest_serving_officer_leads_until_the_head_names_another(personas, deputy):
    p = personas
    assert cover.cover_on(p.school).lead == p.esafety_officer
    assert cover.cover_on(p.school).deputies == [deputy]
    cover.name_lead(school=p.school, lead=deputy, by=p.headteacher)
    today = cover.cover_on(p.school)
    assert (today.lead, today.deputies) == (deputy, [p.esafety_officer])
    assert DesignatedLead.history.get().history_user == p.headteacher


def test_a_named_lead_who_is_no_longer_an_officer_is_passed_over(personas, deputy):
    p = personas
    cover.name_lead(school=p.school, lead=deputy, by=p.headteacher)
    Membership.objects.filter(user=deputy).update(ended_on=datetime.date(2026, 11, 1))
    assert cover.cover_on(p.school).lead == p.esafety_officer


def test_only_an_officer_can_be_named_lead(personas):
    with pytest.raises(cover.ValidationError):
        cover.name_lead(school=personas.school, lead=personas.teacher, by=personas.headteacher)


# --- routing on the day ------------------------------------------------------------------------


def test_with_the_lead_in_it_goes_to_the_lead_and_the_deputies_are_told(personas, deputy):
    incident = report(personas.school, personas.teacher)
    assert incident.routed_to == personas.esafety_officer
    assert notified(deputy) == [f"E-safety incident {incident.named} needs your attention"]
    assert notified(personas.headteacher) == []
    assert "designated safeguarding lead at once" in routing_note(incident)


def test_with_the_lead_away_a_deputy_has_it_at_once(personas, deputy):
    away(personas, personas.esafety_officer, note="Safeguarding course")
    incident = report(personas.school, personas.teacher)
    assert incident.routed_to == deputy
    assert notified(deputy) == [f"New e-safety incident {incident.named} to acknowledge"]
    assert notified(personas.esafety_officer) == []
    assert "Eddie Officer) is away, so this goes to a deputy at once" in routing_note(incident)


def test_an_absence_counts_only_on_its_days(personas, deputy):
    away(personas, personas.esafety_officer, days=(WEDNESDAY + datetime.timedelta(days=1),) * 2)
    assert report(personas.school, personas.teacher).routed_to == personas.esafety_officer


def test_a_deputy_away_is_not_told(personas, deputy):
    second = person(personas.school, Role.ESAFETY_OFFICER, name="Sol Second")
    away(personas, deputy)
    incident = report(personas.school, personas.teacher)
    assert incident.routed_to == personas.esafety_officer
    assert notified(deputy) == []
    assert notified(second) == [f"E-safety incident {incident.named} needs your attention"]


def test_with_every_lead_away_it_goes_to_the_headteacher(personas, deputy):
    away(personas, personas.esafety_officer)
    away(personas, deputy)
    incident = report(personas.school, personas.teacher)
    assert incident.routed_to == personas.headteacher
    assert "Every safeguarding lead is away" in routing_note(incident)


def test_concerns_about_adults_are_routed_as_before(personas, deputy):
    away(personas, personas.headteacher)
    staff = report(personas.school, personas.teacher, subject=Subject.STAFF)
    head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    assert (staff.routed_to, head.routed_to) == (personas.headteacher, personas.chair)


# --- escalation -----------------------------------------------------------------------------


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        run_sweeps(jobs={"incidents.unacknowledged": registered_jobs()["incidents.unacknowledged"]})


def test_escalation_passes_by_an_away_head_to_the_chair(personas):
    away(personas, personas.headteacher)
    incident = report(personas.school, personas.teacher)
    sweep_at(WEDNESDAY_10AM.replace(hour=17, minute=5))
    incident.refresh_from_db()
    assert incident.escalated_to == personas.chair
    assert notified(personas.headteacher) == []


def test_escalation_goes_to_a_head_in_school_before_one_away(personas):
    co_head = person(personas.school, Role.HEADTEACHER, name="Cora Cohead")
    away(personas, personas.headteacher)
    incident = report(personas.school, personas.teacher)
    sweep_at(WEDNESDAY_10AM.replace(hour=17, minute=5))
    incident.refresh_from_db()
    assert incident.escalated_to == co_head


# --- the first to acknowledge takes it -------------------------------------------------------


def test_a_deputy_who_acknowledges_takes_it_and_the_lead_sees_it_taken(personas, deputy, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, deputy)
    url = reverse("incident-action", args=[incident.pk, "acknowledge"])
    assert messages_of(client.post(url, follow=True)) == [
        "Acknowledged. The person who reported it can see that you have it."
    ]
    incident.refresh_from_db()
    assert (incident.routed_to, incident.acknowledged_by) == (deputy, deputy)
    entry = incident.timeline.get(kind=ActionKind.ACKNOWLEDGED)
    assert entry.text == "Acknowledged by Dana Deputy, who takes it from Eddie Officer."

    sign_in(client, personas.esafety_officer)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Taken by</dt>" in page and "<bdi>Dana Deputy</bdi>, acknowledged" in page
    assert ">Acknowledge</button>" not in page
    again = client.post(url, follow=True)
    assert messages_of(again) == ["Dana Deputy has already acknowledged it."]
    incident.refresh_from_db()
    assert incident.routed_to == deputy
    assert incident.timeline.filter(kind=ActionKind.ACKNOWLEDGED).count() == 1


def test_a_headteacher_acknowledging_a_pupil_concern_does_not_take_it(personas, deputy):
    incident = report(personas.school, personas.teacher)
    incident = services.acknowledge(incident=incident, by=personas.headteacher)
    assert incident.routed_to == personas.esafety_officer


def test_an_officer_acknowledging_a_concern_about_staff_leaves_it_with_the_head(personas):
    incident = report(personas.school, personas.teacher, subject=Subject.STAFF)
    incident = services.acknowledge(incident=incident, by=personas.esafety_officer)
    assert incident.routed_to == personas.headteacher


# --- the page ------------------------------------------------------------------------------


def test_a_teacher_sees_who_to_tell_today_without_the_leads_notes(personas, deputy, client):
    away(personas, personas.esafety_officer, note="Hospital appointment")
    sign_in(client, personas.teacher)
    page = client.get(reverse("safeguarding-cover", args=[personas.school.slug]))
    text = page.content.decode()
    assert "tell <strong><bdi>Dana Deputy</bdi></strong> straight away" in text
    assert "Away today: <bdi>Eddie Officer</bdi>; covering: <bdi>Dana Deputy</bdi>." in text
    assert "Designated safeguarding lead" in text and "Deputy DSL" in text
    assert "Away (last day Wed 25 Nov)" in text
    assert "Hospital appointment" not in text
    assert "Record an absence" not in text and "Back in school" not in text


def test_an_officer_marks_themselves_away_through_the_page(personas, deputy, client):
    sign_in(client, deputy)
    url = reverse("cover-absence", args=[personas.school.slug])
    assert client.get(url).context["form"]["person"].value() == deputy.pk
    data = {
        "person": deputy.pk,
        "away_from": "2026-11-25",
        "away_to": "2026-11-27",
        "note": "Residential trip",
    }
    reply = client.post(url, data, follow=True)
    assert reply.redirect_chain == [(reverse("safeguarding-cover", args=["oakwood"]), 302)]
    absence = Absence.objects.get()
    assert (absence.person, absence.recorded_by, absence.away_to) == (
        deputy,
        deputy,
        datetime.date(2026, 11, 27),
    )
    assert "Residential trip" in reply.content.decode()
    assert Absence.history.get().history_user == deputy


@pytest.mark.parametrize(
    ("away_from", "away_to", "error"),
    [
        ("2026-11-26", "2026-11-25", "before the first"),
        ("2026-11-20", "2026-11-24", "in the past"),
        ("2028-01-05", "2028-01-06", "more than a year away"),
        ("2026-11-24", "2026-11-25", "already recorded as away"),
    ],
)
def test_absences_that_make_no_sense_are_refused(personas, client, away_from, away_to, error):
    away(personas, personas.esafety_officer)
    sign_in(client, personas.headteacher)
    data = {"person": personas.esafety_officer.pk, "away_from": away_from, "away_to": away_to}
    reply = client.post(reverse("cover-absence", args=[personas.school.slug]), data)
    assert reply.status_code == 400
    assert error in reply.content.decode()
    assert Absence.objects.count() == 1


def test_only_leads_and_heads_can_be_marked_away(personas, client):
    sign_in(client, personas.esafety_officer)
    data = {"person": personas.teacher.pk, "away_from": "2026-11-25", "away_to": "2026-11-25"}
    reply = client.post(reverse("cover-absence", args=[personas.school.slug]), data)
    assert reply.status_code == 400 and not Absence.objects.exists()


def test_back_in_school_ends_a_begun_absence_and_cancels_one_to_come(personas, deputy, client):
    begun = away(personas, deputy, days=(WEDNESDAY - datetime.timedelta(days=2), WEDNESDAY))
    later = WEDNESDAY + datetime.timedelta(days=7)
    to_come = away(personas, personas.esafety_officer, days=(later, later))
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("safeguarding-cover", args=[personas.school.slug])).content.decode()
    assert "Back in school" in page and "Cancel it" in page
    told = []
    for absence in (begun, to_come):
        url = reverse("cover-absence-end", args=[personas.school.slug, absence.pk])
        told += messages_of(client.post(url, follow=True))
        assert messages_of(client.post(url, follow=True)) == ["That absence was already ended."]
    assert told == [
        "Dana Deputy is back in school from today.",
        "Eddie Officer's absence was cancelled.",
    ]
    begun.refresh_from_db()
    assert begun.away_to == WEDNESDAY - datetime.timedelta(days=1)
    assert not Absence.objects.filter(pk=to_come.pk).exists()
    assert cover.cover_on(personas.school).away == {}


def test_the_head_names_the_lead_through_the_page(personas, deputy, client):
    sign_in(client, personas.headteacher)
    url = reverse("cover-lead", args=[personas.school.slug])
    reply = client.post(url, {"lead": deputy.pk}, follow=True)
    assert messages_of(reply) == ["Dana Deputy is now the designated safeguarding lead."]
    assert report(personas.school, personas.teacher).routed_to == deputy
    refused = client.post(url, {"lead": personas.teacher.pk})
    assert refused.status_code == 400


# --- the rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "view", "record", "name"),
    [
        ("headteacher", True, True, True),
        ("esafety_officer", True, True, False),
        ("teacher", True, False, False),
        ("technician", True, False, False),
        ("pupil", False, False, False),
        ("parent", False, False, False),
        ("trustee", False, False, False),
        ("other_school_headteacher", False, False, False),
    ],
)
def test_rules(personas, who, view, record, name):
    user, school = personas.get(who), personas.school
    assert allowed(user, "incidents.view_cover", school) is view
    assert allowed(user, "incidents.record_absence", school) is record
    assert allowed(user, "incidents.name_lead", school) is name


# --- query budget ---------------------------------------------------------------------------


def _grow(p, count):
    for n in range(count):
        officer = person(p.school, Role.ESAFETY_OFFICER, name=f"Deputy {n}")
        start = WEDNESDAY + datetime.timedelta(days=n % 5)
        away(p, officer, days=(start, start + datetime.timedelta(days=2)), note=f"Course {n}")


@pytest.mark.parametrize("who", ["esafety_officer", "teacher"])
def test_the_cover_page_costs_the_same_queries_at_any_size(personas, client, who):
    from django.db import connection

    sign_in(client, personas.get(who))
    url = reverse("safeguarding-cover", args=[personas.school.slug])
    counts = []
    for size in (3, 27):
        _grow(personas, size)
        client.get(url)  # the menu, cached for the next page as for every page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
