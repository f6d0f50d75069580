"""The incident timers: school-day boundaries, once only, and recovery after a crash."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from esafety.models import Notification, SweepAction
from esafety.sweeps import registered_jobs, run_sweeps
from incidents import services
from incidents.deadlines import acknowledge_deadline, add_working_days
from incidents.models import ActionKind, Agency, Subject
from incidents.tests.factories import report

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    """A time in November 2026 (the 23rd is a Monday)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("reported", "deadline"),
    [
        (at(25, 9), at(25, 17)),  # Wednesday morning: end of that school day
        (at(25, 15, 59), at(25, 17)),  # just before the last hour
        (at(25, 16, 0), at(26, 10)),  # in the last hour: 10:00 next school day
        (at(25, 18), at(26, 10)),  # after school
        (at(27, 16, 30), at(30, 10)),  # Friday's last hour: Monday 10:00
        (at(28, 11), at(30, 10)),  # Saturday: Monday 10:00
        (at(23, 7), at(23, 17)),  # before school on Monday: that day
    ],
)
def test_acknowledge_deadline(personas, reported, deadline):
    assert acknowledge_deadline(personas.school, reported) == deadline


def test_school_day_end_is_a_school_setting(personas):
    personas.school.school_day_ends = datetime.time(15, 30)
    assert acknowledge_deadline(personas.school, at(25, 14)) == at(25, 15, 30)
    assert acknowledge_deadline(personas.school, at(25, 14, 31)) == at(26, 10)


def test_one_working_day_skips_the_weekend(personas):
    assert add_working_days(personas.school, at(27, 14), 1) == at(30, 14)


def incident_jobs():
    return {k: v for k, v in registered_jobs().items() if k.startswith("incidents.")}


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_sweeps(jobs=incident_jobs())


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_unacknowledged_incident_escalates_to_headteacher_once_after_deadline(personas):
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.teacher)
    sweep_at(at(25, 16, 59))
    assert titles(personas.headteacher) == []
    sweep_at(at(25, 17, 1))
    sweep_at(at(25, 17, 6))  # a second sweep, and a third
    sweep_at(at(26, 9))
    assert titles(personas.headteacher) == [
        f"Incident {incident.named} was not acknowledged in time"
    ]
    incident.refresh_from_db()
    assert incident.escalated_to == personas.headteacher
    assert incident.timeline.filter(kind=ActionKind.ESCALATION).count() == 1


def test_last_hour_report_is_not_escalated_until_ten_next_day(personas):
    with time_machine.travel(at(25, 16, 15), tick=False):
        report(personas.school, personas.teacher)
    sweep_at(at(25, 23))
    sweep_at(at(26, 9, 59))
    assert titles(personas.headteacher) == []
    sweep_at(at(26, 10, 1))
    assert len(titles(personas.headteacher)) == 1


def test_acknowledged_incident_is_not_escalated(personas):
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.teacher)
        services.acknowledge(incident=incident, by=personas.esafety_officer)
    sweep_at(at(26, 12))
    assert titles(personas.headteacher) == []


def test_concern_about_headteacher_escalates_to_the_chair_not_the_head(personas):
    with time_machine.travel(at(25, 10), tick=False):
        report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    sweep_at(at(26, 12))
    assert titles(personas.headteacher) == []
    chair_titles = titles(personas.chair)
    assert any("not acknowledged in time" in t for t in chair_titles)


def test_a_crash_half_way_loses_nothing_and_duplicates_nothing(personas, monkeypatch):
    with time_machine.travel(at(25, 10), tick=False):
        incidents = [report(personas.school, personas.teacher) for _ in range(4)]
    from incidents import sweeps

    real_notify = sweeps.notify
    calls = {"n": 0}

    def failing_notify(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker died")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(sweeps, "notify", failing_notify)
    with pytest.raises(RuntimeError):
        sweep_at(at(25, 18))
    assert len(titles(personas.headteacher)) == 2
    monkeypatch.setattr(sweeps, "notify", real_notify)
    sweep_at(at(25, 18, 5))
    sweep_at(at(25, 18, 10))
    escalated = sorted(titles(personas.headteacher))
    assert escalated == sorted(
        f"Incident {i.named} was not acknowledged in time" for i in incidents
    )


def test_overdue_action_reminds_owner_then_escalates_a_day_later(personas):
    with time_machine.travel(at(23, 10), tick=False):
        incident = report(personas.school, personas.teacher)
        services.acknowledge(incident=incident, by=personas.esafety_officer)
        services.add_timeline_entry(
            incident=incident,
            by=personas.esafety_officer,
            text="Speak to the pupil's parents",
            owner=personas.teacher,
            due_on=datetime.date(2026, 11, 24),
        )
    sweep_at(at(24, 18))
    assert not any("overdue" in t for t in titles(personas.teacher))
    sweep_at(at(25, 8))
    sweep_at(at(25, 9))
    assert [t for t in titles(personas.teacher) if "overdue" in t] == [
        f"An action on incident {incident.named} is overdue"
    ]
    assert not any("still overdue" in t for t in titles(personas.esafety_officer))
    sweep_at(at(26, 8))
    sweep_at(at(26, 9))
    assert [t for t in titles(personas.esafety_officer) if "still overdue" in t] == [
        f"An action on incident {incident.named} is still overdue"
    ]


def test_done_action_is_not_chased(personas):
    with time_machine.travel(at(23, 10), tick=False):
        incident = report(personas.school, personas.teacher)
        entry = services.add_timeline_entry(
            incident=incident,
            by=personas.esafety_officer,
            text="Check filter logs",
            owner=personas.teacher,
            due_on=datetime.date(2026, 11, 24),
        )
        services.complete_action(entry=entry, by=personas.teacher)
    sweep_at(at(27, 9))
    assert not any("overdue" in t for t in titles(personas.teacher))


def test_review_date_reached_without_result_reminds_esafety_officer_once(personas):
    with time_machine.travel(at(23, 10), tick=False):
        incident = report(personas.school, personas.teacher)
        services.set_review_date(
            incident=incident, by=personas.esafety_officer, review_date=datetime.date(2026, 11, 26)
        )
    sweep_at(at(25, 9))
    assert not any("due for review" in t for t in titles(personas.esafety_officer))
    sweep_at(at(26, 9))
    sweep_at(at(26, 10))
    assert [t for t in titles(personas.esafety_officer) if "due for review" in t] == [
        f"Incident {incident.named} is due for review"
    ]


def test_lado_referral_not_recorded_in_one_working_day_reminds_recipient(personas):
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.esafety_officer, subject=Subject.STAFF)
    sweep_at(at(26, 9, 59))
    assert not any("LADO" in t for t in titles(personas.headteacher))
    sweep_at(at(26, 10, 1))
    sweep_at(at(26, 11))
    assert [t for t in titles(personas.headteacher) if "LADO" in t] == [
        f"Incident {incident.named}: a LADO referral is overdue"
    ]
    assert SweepAction.objects.filter(key=f"incident:{incident.pk}:lado").count() == 1


def test_lado_referral_recorded_in_time_stops_the_reminder(personas):
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.esafety_officer, subject=Subject.STAFF)
        services.add_referral(
            incident=incident,
            by=personas.headteacher,
            agency=Agency.LADO,
            referred_on=datetime.date(2026, 11, 25),
            reference="LADO-123",
        )
    sweep_at(at(27, 10))
    assert not any("LADO" in t for t in titles(personas.headteacher))


def test_every_reminder_and_escalation_shows_on_the_timeline(personas):
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.esafety_officer, subject=Subject.STAFF)
    sweep_at(at(26, 12))
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds.count(ActionKind.ESCALATION) == 1
    assert kinds.count(ActionKind.REMINDER) == 1


def the_head_is_also_the_only_officer(personas):
    """The seed's school: its acting headteacher is also its e-safety officer."""
    from esafety.models import Membership, Role
    from esafety.testing import MembershipFactory

    Membership.objects.filter(user=personas.esafety_officer).update(ended_on=at(1, 9).date())
    MembershipFactory(user=personas.headteacher, school=personas.school, role=Role.ESAFETY_OFFICER)


def test_a_head_who_is_the_officer_is_escalated_past_never_back_to(personas, trust_lead):
    """Not acknowledged by the head who is also the e-safety officer: the first level goes
    to the chair, the second to the trust's safeguarding lead; the head is told neither."""
    the_head_is_also_the_only_officer(personas)
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.teacher)
    assert incident.routed_to == personas.headteacher
    sweep_at(at(25, 17, 5))
    incident.refresh_from_db()
    assert incident.escalated_to == personas.chair
    assert titles(personas.chair) == [f"Incident {incident.named} was not acknowledged in time"]
    sweep_at(at(26, 17, 10))
    incident.refresh_from_db()
    assert incident.trust_escalated_to == trust_lead
    assert titles(personas.headteacher) == [
        f"New e-safety incident {incident.named} to acknowledge"  # only the first notice
    ]


def test_with_no_lead_the_second_level_is_nobody_rather_than_the_head(personas):
    the_head_is_also_the_only_officer(personas)
    with time_machine.travel(at(25, 10), tick=False):
        incident = report(personas.school, personas.teacher)
    sweep_at(at(25, 17, 5))
    sweep_at(at(26, 17, 10))
    incident.refresh_from_db()
    assert incident.escalated_to == personas.chair
    assert incident.trust_escalated_at and incident.trust_escalated_to is None
    assert not any("acknowledged" in t and "New" not in t for t in titles(personas.headteacher))
