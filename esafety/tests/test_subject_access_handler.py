"""Handing a subject access request to someone else: only to the school's headteacher or
an e-safety officer, recorded in its history (who, when, to whom), the new handler told,
its reminders and escalation reaching them from then on; done once under a double click."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.models import Notification, Role
from esafety.models_subject_access import RequesterKind, SarStatus, SubjectAccessRequest
from esafety.once import was_already_done
from esafety.subject_access import services
from esafety.subject_access.sweeps import subject_access_deadlines
from esafety.sweeps import run_sweeps
from esafety.testing import person, sign_in
from esafety.testing_http import session_of

JOBS = {"esafety.subject_access_deadlines": subject_access_deadlines}
HANDED = "is yours to handle"


def make(p):
    """A request the e-safety officer recorded, so handles."""
    return services.record_request(
        school=p.school,
        by=p.esafety_officer,
        subject=p.teacher,
        requester_kind=RequesterKind.STAFF,
        requester_name="Terry Teacher",
        requester_contact="terry@example.org",
        received_on=timezone.localdate() - timedelta(days=2),
        received_how="email",
    )


def titles(user):
    notes = Notification.objects.filter(recipient=user).order_by("pk")
    return list(notes.values_list("title", flat=True))


def at(day: datetime.date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- the service ----------------------------------------------------------------------------


def test_handed_to_the_headteacher_recorded_and_told(personas):
    p = personas
    sar = services.hand_to(sar=make(p), by=p.esafety_officer, to=p.headteacher)
    sar.refresh_from_db()
    assert sar.handled_by == p.headteacher
    change = sar.history.first()
    assert change.history_change_reason == "Handed to Hana Head"
    assert change.history_user == p.esafety_officer
    assert change.history_date is not None
    assert titles(p.headteacher) == [
        f"Subject access request {sar.reference} is yours to handle: "
        f"respond by {sar.deadline:%-d %B %Y}"
    ]
    assert titles(p.esafety_officer) == []


def test_taking_it_over_oneself_tells_nobody(personas):
    p = personas
    sar = services.hand_to(sar=make(p), by=p.headteacher, to=p.headteacher)
    assert sar.handled_by == p.headteacher
    assert sar.history.first().history_user == p.headteacher
    assert not Notification.objects.exists()


@pytest.mark.parametrize("name", ["teacher", "technician", "pupil", "other_school_headteacher"])
def test_only_to_a_lead_of_the_school(personas, name):
    p = personas
    sar = make(p)
    with pytest.raises(ValidationError) as error:
        services.hand_to(sar=sar, by=p.esafety_officer, to=p.get(name))
    assert "headteacher or an e-safety officer" in str(error.value)
    sar.refresh_from_db()
    assert sar.handled_by == p.esafety_officer
    assert sar.history.count() == 1
    assert not Notification.objects.exists()


def test_not_to_a_lead_who_has_left(personas):
    p = personas
    sar = make(p)
    membership = p.headteacher.memberships.get()
    membership.ended_on = timezone.localdate() - timedelta(days=1)
    membership.save()
    with pytest.raises(ValidationError):
        services.hand_to(sar=sar, by=p.esafety_officer, to=p.headteacher)
    assert p.headteacher not in services.possible_handlers(p.school)


def test_a_second_hand_over_to_the_same_person_is_done_once(personas):
    p = personas
    sar = services.hand_to(sar=make(p), by=p.esafety_officer, to=p.headteacher)
    with pytest.raises(ValidationError) as error:
        services.hand_to(sar=sar, by=p.esafety_officer, to=p.headteacher)
    assert was_already_done(error.value)
    assert sar.history.filter(history_change_reason__startswith="Handed to").count() == 1
    assert len(titles(p.headteacher)) == 1


def test_a_finished_request_is_not_handed_over(personas):
    p = personas
    sar = services.close(
        sar=make(p), by=p.esafety_officer, status=SarStatus.WITHDRAWN, reason="Withdrawn"
    )
    with pytest.raises(ValidationError) as error:
        services.hand_to(sar=sar, by=p.esafety_officer, to=p.headteacher)
    assert was_already_done(error.value)


# --- reminders and escalation ---------------------------------------------------------------


def test_reminders_go_to_the_new_handler_from_then_on(personas):
    p = personas
    sar = make(p)
    due = sar.deadline
    run_sweeps(at(due - timedelta(days=7)), jobs=JOBS)
    assert len(titles(p.esafety_officer)) == 1  # the week's reminder, before the hand-over
    services.hand_to(sar=sar, by=p.esafety_officer, to=p.headteacher)
    run_sweeps(at(due), jobs=JOBS)
    assert titles(p.headteacher)[-1] == f"Subject access request {sar.reference} is due today"
    assert len(titles(p.esafety_officer)) == 1  # nothing more to the old handler
    run_sweeps(at(due + timedelta(days=1)), jobs=JOBS)
    # The head handles it and is the one escalated to: told once, not twice.
    assert titles(p.headteacher)[-1].endswith("is past its deadline")
    assert sum(t.endswith("past its deadline") for t in titles(p.headteacher)) == 1
    assert len(titles(p.esafety_officer)) == 1


def test_escalation_reaches_the_new_handler_and_the_head(personas):
    p = personas
    second = person(p.school, Role.ESAFETY_OFFICER, name="Esme Deputy")
    sar = services.hand_to(sar=make(p), by=p.esafety_officer, to=second)
    run_sweeps(at(sar.deadline - timedelta(days=7)), jobs=JOBS)
    assert titles(second)[-1].startswith(f"Subject access request {sar.reference} is due on")
    run_sweeps(at(sar.deadline + timedelta(days=1)), jobs=JOBS)
    late = f"Subject access request {sar.reference} is past its deadline"
    assert titles(second)[-1] == late
    assert titles(p.headteacher) == [late]
    assert titles(p.esafety_officer) == []


# --- the page -------------------------------------------------------------------------------


def test_the_page_offers_the_schools_leads_only(client, personas):
    p = personas
    sar = make(p)
    sign_in(client, p.headteacher)
    page = client.get(reverse("sar-detail", args=[p.school.slug, sar.pk])).content.decode()
    url = reverse("sar-handler", args=[p.school.slug, sar.pk])
    assert url in page
    page = client.get(url).content.decode()
    assert "Hana Head" in page
    assert "Eddie Officer (handles it now)" in page
    assert "Terry Teacher</label>" not in page
    assert f'value="{p.teacher.pk}"' not in page


def test_handing_over_from_the_page(client, personas):
    p = personas
    sar = make(p)
    sign_in(client, p.esafety_officer)
    url = reverse("sar-handler", args=[p.school.slug, sar.pk])
    refused = client.post(url, {"handled_by": p.teacher.pk})
    assert refused.status_code == 400
    reply = client.post(url, {"handled_by": p.headteacher.pk, "once": "one-token-for-this-form"})
    assert reply.status_code == 302 and reply["Location"] == sar.get_absolute_url()
    again = client.post(url, {"handled_by": p.headteacher.pk, "once": "one-token-for-this-form"})
    assert again.status_code == 302 and again["Location"] == sar.get_absolute_url()
    sar.refresh_from_db()
    assert sar.handled_by == p.headteacher
    assert sar.history.filter(history_change_reason="Handed to Hana Head").count() == 1
    assert len(titles(p.headteacher)) == 1
    page = client.get(sar.get_absolute_url()).content.decode()
    assert "Handed to Hana Head" in page


def test_a_double_click_at_the_same_moment_hands_it_over_once(personas, http_server):
    """Five clicks at once, through a real server: one change, one notification, every
    click back on the request."""
    p = personas
    sar = make(p)
    path = reverse("sar-handler", args=[p.school.slug, sar.pk])
    session = session_of(p.esafety_officer)  # before the server starts (SQLite copies)
    server = http_server()
    replies = server.at_once([(path, {"handled_by": p.headteacher.pk}, session)] * 5)
    assert [reply.status for reply in replies] == [302] * 5
    assert {reply.location for reply in replies} == {sar.get_absolute_url()}
    server.sync()
    handed = SubjectAccessRequest.history.filter(
        id=sar.pk, history_change_reason="Handed to Hana Head"
    )
    assert handed.count() == 1
    assert handed.get().history_user_id == p.esafety_officer.pk
    assert Notification.objects.filter(recipient=p.headteacher).count() == 1
