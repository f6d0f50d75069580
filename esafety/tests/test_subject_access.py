"""The subject access register: the one-month deadline as the ICO counts it, the steps
(identity, extension, sent, refused or withdrawn) each done once with its reason, and
the sweep's reminders and escalation to the headteacher."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.models import ClosureDay, Notification, SweepAction
from esafety.models_subject_access import RequesterKind, SarStatus, SubjectAccessRequest
from esafety.once import was_already_done
from esafety.subject_access import services
from esafety.subject_access.deadlines import months_after, respond_by
from esafety.subject_access.sweeps import subject_access_deadlines
from esafety.sweeps import run_sweeps
from esafety.testing import sign_in

D = datetime.date
JOBS = {"esafety.subject_access_deadlines": subject_access_deadlines}


# --- the deadline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2029, 1, 31), D(2029, 2, 28)),  # no 31 February: the month's last day (a Wednesday)
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year: 29 February (a Tuesday)
        (D(2027, 3, 31), D(2027, 4, 30)),  # no 31 April: 30 April (a Friday)
        (D(2027, 3, 3), D(2027, 4, 5)),  # 3 April 2027 is a Saturday: Monday
        (D(2027, 1, 31), D(2027, 3, 1)),  # 28 February 2027 is a Sunday: Monday 1 March
        (D(2026, 7, 31), D(2026, 9, 1)),  # 31 August 2026: the late summer bank holiday
        # Christmas Day (Friday), the weekend, Boxing Day observed (Monday): Tuesday 29th.
        (D(2026, 11, 25), D(2026, 12, 29)),
        (D(2027, 2, 28), D(2027, 3, 30)),  # Easter Sunday, then Easter Monday: Tuesday
    ],
)
def test_one_calendar_month_then_the_next_working_day(received, due):
    assert respond_by(received)[0] == due


def test_a_moved_deadline_says_why():
    due, why = respond_by(D(2026, 11, 25))
    assert due == D(2026, 12, 29)
    assert why[0] == "Fri 25 Dec: bank holiday (Christmas Day)"
    assert any("Boxing Day" in reason for reason in why)


def test_the_calendar_date_itself_ignores_working_days():
    assert months_after(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert months_after(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert months_after(D(2027, 12, 15), 1) == D(2028, 1, 15)


def test_school_closure_days_do_not_stop_the_clock(personas):
    """The ICO: school holidays don't extend a subject access deadline."""
    ClosureDay.objects.create(school=personas.school, date=D(2027, 4, 30), reason="INSET")
    assert respond_by(D(2027, 3, 31))[0] == D(2027, 4, 30)


# --- recording a request --------------------------------------------------------------------


def make(p, **fields):
    values = {
        "school": p.school,
        "by": p.esafety_officer,
        "subject": p.teacher,
        "requester_kind": RequesterKind.STAFF,
        "requester_name": "Terry Teacher",
        "requester_contact": "terry@example.org",
        "received_on": timezone.localdate() - timedelta(days=2),
        "received_how": "email",
    }
    values.update(fields)
    return services.record_request(**values)


def test_a_request_is_due_a_calendar_month_after_it_came(personas):
    received = timezone.localdate() - timedelta(days=2)
    sar = make(personas, received_on=received)
    assert sar.due_on == respond_by(received)[0]
    assert sar.handled_by == personas.esafety_officer
    assert sar.history.count() == 1
    assert sar.history.get().history_user == personas.esafety_officer


def test_a_request_about_someone_from_another_school_is_refused(personas):
    from esafety.testing import person

    elsewhere = person(personas.other_school, "staff", name="Someone Else")
    with pytest.raises(ValidationError) as error:
        make(personas, subject=elsewhere)
    assert "at this school" in str(error.value)


def test_a_parent_asks_for_an_older_child_only_with_a_reason(personas):
    pupil = personas.pupil
    pupil.date_of_birth = timezone.localdate() - timedelta(days=13 * 365)
    pupil.save()
    parent_request = {"subject": pupil, "requester_kind": RequesterKind.PARENT}
    with pytest.raises(ValidationError) as error:
        make(personas, **parent_request)
    assert "old enough to decide" in str(error.value)
    sar = make(personas, **parent_request, parent_authority="Poppy agreed, in writing.")
    assert sar.parent_authority == "Poppy agreed, in writing."


def test_a_parent_of_a_young_child_needs_no_reason(personas):
    pupil = personas.pupil
    pupil.date_of_birth = timezone.localdate() - timedelta(days=7 * 365)
    pupil.save()
    assert make(personas, subject=pupil, requester_kind=RequesterKind.PARENT).pk


def test_a_parent_request_is_about_a_pupil(personas):
    with pytest.raises(ValidationError) as error:
        make(personas, requester_kind=RequesterKind.PARENT, parent_authority="Because.")
    assert "choose a pupil" in str(error.value)


def test_a_request_received_in_the_future_is_refused(personas):
    with pytest.raises(ValidationError):
        make(personas, received_on=timezone.localdate() + timedelta(days=1))


# --- the steps --------------------------------------------------------------------------------


def test_identity_proof_asked_for_starts_the_month_again(personas):
    received = timezone.localdate() - timedelta(days=10)
    sar = make(personas, received_on=received)
    proof = received + timedelta(days=6)
    sar = services.record_identity_check(
        sar=sar, by=personas.headteacher, how="Passport seen", identity_received_on=proof
    )
    assert sar.due_on == respond_by(proof)[0]
    assert sar.identity_checked_by == personas.headteacher
    with pytest.raises(ValidationError) as error:
        services.record_identity_check(sar=sar, by=personas.esafety_officer, how="Again")
    assert was_already_done(error.value)


def test_identity_proof_cannot_come_before_the_request(personas):
    sar = make(personas)
    with pytest.raises(ValidationError) as error:
        services.record_identity_check(
            sar=sar, by=personas.esafety_officer, how="x", identity_received_on=D(2020, 1, 1)
        )
    assert "before the request came" in str(error.value)


def test_an_extension_adds_up_to_two_months_with_a_reason_once(personas):
    received = timezone.localdate() - timedelta(days=3)
    sar = make(personas, received_on=received)
    with pytest.raises(ValidationError):
        services.extend(sar=sar, by=personas.esafety_officer, months=2, reason=" ")
    with pytest.raises(ValidationError):
        services.extend(sar=sar, by=personas.esafety_officer, months=3, reason="Complex")
    sar = services.extend(
        sar=sar, by=personas.esafety_officer, months=2, reason="Records across several years"
    )
    assert sar.extended_to == respond_by(received, 3)[0]
    assert sar.deadline == sar.extended_to
    with pytest.raises(ValidationError) as error:
        services.extend(sar=sar, by=personas.esafety_officer, months=1, reason="Again")
    assert was_already_done(error.value)


def test_an_extension_after_the_first_month_is_refused(personas):
    sar = make(personas, received_on=timezone.localdate() - timedelta(days=45))
    with pytest.raises(ValidationError) as error:
        services.extend(sar=sar, by=personas.esafety_officer, months=1, reason="Complex")
    assert "within the first month" in str(error.value)


def test_sent_once_and_only_after_the_identity_check(personas):
    sar = make(personas)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.mark_sent(sar=sar, by=personas.esafety_officer, sent_on=today, how="Email")
    assert "identity check" in str(error.value)
    services.record_identity_check(sar=sar, by=personas.esafety_officer, how="Known to us")
    sar = services.mark_sent(sar=sar, by=personas.esafety_officer, sent_on=today, how="Email")
    assert (sar.status, sar.sent_on, sar.sent_by) == (
        SarStatus.SENT,
        today,
        personas.esafety_officer,
    )
    with pytest.raises(ValidationError) as error:
        services.mark_sent(sar=sar, by=personas.headteacher, sent_on=today, how="Post")
    assert was_already_done(error.value)


def test_refused_or_withdrawn_needs_a_reason(personas):
    sar = make(personas)
    with pytest.raises(ValidationError):
        services.close(sar=sar, by=personas.esafety_officer, status=SarStatus.REFUSED, reason="")
    sar = services.close(
        sar=sar, by=personas.esafety_officer, status=SarStatus.WITHDRAWN, reason="They phoned."
    )
    assert sar.status == SarStatus.WITHDRAWN
    assert sar.clock == ""
    with pytest.raises(ValidationError) as error:
        services.extend(sar=sar, by=personas.esafety_officer, months=1, reason="Too late")
    assert was_already_done(error.value)


def test_the_clock_counts_days_left_due_today_and_overdue(personas):
    sar = make(personas)
    today = timezone.localdate()
    for due, shown in [
        (today + timedelta(days=12), "12 days left"),
        (today + timedelta(days=1), "1 day left"),
        (today, "Due today"),
        (today - timedelta(days=3), "3 days overdue"),
    ]:
        sar.due_on = due
        assert sar.clock == shown


# --- the sweep ----------------------------------------------------------------------------------


def at(day: datetime.date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def titles(user):
    notes = Notification.objects.filter(recipient=user).order_by("pk")
    return list(notes.values_list("title", flat=True))


def test_reminders_a_week_before_and_on_the_day_then_the_head_is_told(personas):
    p = personas
    sar = make(p)
    due = sar.deadline
    run_sweeps(at(due - timedelta(days=8)), jobs=JOBS)
    assert titles(p.esafety_officer) == []
    run_sweeps(at(due - timedelta(days=7)), jobs=JOBS)
    run_sweeps(at(due - timedelta(days=6)), jobs=JOBS)  # once only
    assert titles(p.esafety_officer) == [
        f"Subject access request {sar.reference} is due on {due:%-d %B}"
    ]
    run_sweeps(at(due), jobs=JOBS)
    run_sweeps(at(due, 15), jobs=JOBS)
    assert titles(p.esafety_officer)[-1] == f"Subject access request {sar.reference} is due today"
    assert len(titles(p.esafety_officer)) == 2
    assert titles(p.headteacher) == []  # the officer handles it: the head is not told yet
    run_sweeps(at(due + timedelta(days=1)), jobs=JOBS)
    run_sweeps(at(due + timedelta(days=2)), jobs=JOBS)
    assert titles(p.headteacher) == [f"Subject access request {sar.reference} is past its deadline"]
    sar.refresh_from_db()
    assert sar.escalated_at is not None
    assert sar.history.first().history_change_reason == "Deadline sweep: past its deadline"


def test_an_extension_brings_new_reminders_before_its_own_deadline(personas):
    p = personas
    sar = make(p, received_on=timezone.localdate())
    run_sweeps(at(sar.due_on - timedelta(days=7)), jobs=JOBS)
    sar = services.extend(sar=sar, by=p.esafety_officer, months=1, reason="Complex")
    run_sweeps(at(sar.due_on + timedelta(days=1)), jobs=JOBS)
    assert titles(p.headteacher) == []  # not overdue: extended
    run_sweeps(at(sar.extended_to - timedelta(days=7)), jobs=JOBS)
    assert titles(p.esafety_officer)[-1].endswith(f"due on {sar.extended_to:%-d %B}")
    assert SweepAction.objects.filter(key__startswith=f"sar:{sar.pk}:").count() == 2


def test_an_answered_request_sends_no_reminders(personas):
    p = personas
    sar = make(p)
    services.record_identity_check(sar=sar, by=p.esafety_officer, how="Known")
    services.mark_sent(sar=sar, by=p.esafety_officer, sent_on=timezone.localdate(), how="Email")
    run_sweeps(at(sar.due_on + timedelta(days=3)), jobs=JOBS)
    assert not Notification.objects.exists()


def test_a_handler_who_left_is_replaced_by_the_school_leads(personas):
    p = personas
    sar = make(p)
    membership = p.esafety_officer.memberships.get()
    membership.ended_on = timezone.localdate()
    membership.save()
    run_sweeps(at(sar.due_on), jobs=JOBS)
    assert titles(p.esafety_officer) == []
    assert titles(p.headteacher) == [f"Subject access request {sar.reference} is due today"]


# --- the pages ------------------------------------------------------------------------------


def test_bad_input_is_said_on_the_form(client, personas):
    p = personas
    sign_in(client, p.esafety_officer)
    url = reverse("sar-add", args=[p.school.slug])
    response = client.post(
        url,
        {
            "requester_kind": RequesterKind.PARENT,
            "subject": p.teacher.pk,
            "requester_name": "Pat",
            "requester_contact": "pat@example.org",
            "received_on": "31/02/2026",
            "received_how": "letter",
        },
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    response = client.post(
        url,
        {
            "requester_kind": RequesterKind.PARENT,
            "subject": p.teacher.pk,
            "requester_name": "Pat",
            "requester_contact": "pat@example.org",
            "received_on": timezone.localdate().isoformat(),
            "received_how": "letter",
        },
    )
    assert response.status_code == 400
    assert "choose a pupil" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_the_register_lists_open_requests_with_their_clock(client, personas):
    p = personas
    sar = make(p)
    sign_in(client, p.headteacher)
    page = client.get(reverse("sar-list", args=[p.school.slug])).content.decode()
    assert sar.reference in page and sar.clock in page
    assert "Identity not checked" in page


def test_the_identity_check_sent_twice_is_recorded_once(client, personas):
    p = personas
    sar = make(p)
    sign_in(client, p.esafety_officer)
    url = reverse("sar-identity", args=[p.school.slug, sar.pk])
    data = {"how": "Known to the office", "once": "a-one-time-token-123456"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    third = client.post(url, {"how": "Again, without the token"}, follow=True)
    assert "Identity was checked already." in third.content.decode()
    sar.refresh_from_db()
    assert sar.identity_check_how == "Known to the office"
    assert sar.history.filter(history_change_reason="Identity checked").count() == 1


def test_the_detail_page_shows_the_deadline_and_why_it_moved(client, personas):
    p = personas
    sar = make(p)
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(
        received_on=D(2026, 11, 25), due_on=D(2026, 12, 29)
    )
    sign_in(client, p.esafety_officer)
    page = client.get(reverse("sar-detail", args=[p.school.slug, sar.pk])).content.decode()
    assert "Tuesday 29 December 2026" in page
    assert "Christmas Day" in page


def test_the_demo_has_one_open_request_from_a_parent(personas):
    from esafety.subject_access.demo import seed

    p = personas
    p.parent.email = "parent@oakwood.example"
    p.parent.save()
    seed({"oakwood": p.school, "elmridge": p.other_school})
    seed({"oakwood": p.school, "elmridge": p.other_school})
    sar = SubjectAccessRequest.objects.get()
    assert (sar.school, sar.subject, sar.handled_by) == (p.school, p.pupil, p.esafety_officer)
    assert sar.is_open and sar.requester_kind == RequesterKind.PARENT
