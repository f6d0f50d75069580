"""Training reminders: each once, even when the sweep runs twice."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from esafety.models import Notification
from esafety.sweeps import run_sweeps
from training.tests.factories import record, requirement

pytestmark = pytest.mark.django_db
JOB = None


def sweep_at(day):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7)))
    with time_machine.travel(moment, tick=False):
        from esafety.sweeps import registered_jobs

        run_sweeps(now=moment, jobs={"training.reminders": registered_jobs()["training.reminders"]})


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.fixture
def expiring(personas):
    """The teacher's yearly training, done on 1 December 2025: expires 1 December 2026."""
    p = personas
    req = requirement(p.school, audience_roles=["staff"])
    with time_machine.travel(datetime.datetime(2025, 12, 1, 12), tick=False):
        record(p.teacher, req, datetime.date(2025, 12, 1))
    return req


def test_thirty_days_before_and_on_expiry_the_person_is_reminded_once(personas, expiring):
    p = personas
    sweep_at(datetime.date(2026, 11, 1))
    sweep_at(datetime.date(2026, 11, 1))
    assert titles(p.teacher) == [f"Training due by 1 December 2026: {expiring.title}"]
    sweep_at(datetime.date(2026, 12, 1))
    sweep_at(datetime.date(2026, 12, 2))
    assert len(titles(p.teacher)) == 2
    assert titles(p.teacher)[0] == f"Training due now: {expiring.title}"


def test_a_week_overdue_the_officer_is_told_once(personas, expiring):
    p = personas
    sweep_at(datetime.date(2026, 12, 8))
    sweep_at(datetime.date(2026, 12, 8))
    sweep_at(datetime.date(2026, 12, 9))
    assert titles(p.esafety_officer) == ["1 person is a week overdue with training"]
    assert titles(p.headteacher) == []


def test_a_month_overdue_on_a_leadership_duty_the_head_is_told_once(personas):
    p = personas
    dsl = requirement(
        p.school,
        title="DSL training",
        audience_roles=["esafety_officer"],
        escalate=True,
        renew_months=24,
    )
    with time_machine.travel(datetime.datetime(2024, 11, 1, 12), tick=False):
        record(p.esafety_officer, dsl, datetime.date(2024, 11, 1))
    for day in (datetime.date(2026, 12, 1), datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)):
        sweep_at(day)
    assert titles(p.headteacher) == ["1 person is a month overdue with training"]
    assert titles(p.chair) == []


def test_a_month_overdue_trustee_training_goes_to_the_chair(personas):
    p = personas
    requirement(
        p.school, title="Trustees", audience_roles=["trustee"], escalate=True, induction_days=10
    )
    # The trustees joined on 1 September 2025: due 11 September 2025, long overdue now.
    sweep_at(datetime.date(2026, 11, 29))
    sweep_at(datetime.date(2026, 11, 29))
    assert titles(p.chair) == ["2 people are a month overdue with training"]
    assert titles(p.headteacher) == []


def test_ordinary_training_a_month_overdue_does_not_go_to_the_head(personas, expiring):
    p = personas
    sweep_at(datetime.date(2027, 1, 15))
    assert titles(p.headteacher) == []


def test_two_reminders_on_one_day_make_one_message_and_neither_comes_again(personas, expiring):
    p = personas
    cyber = requirement(p.school, title="Cyber security", audience_roles=["staff"])
    with time_machine.travel(datetime.datetime(2025, 12, 3, 12), tick=False):
        record(p.teacher, cyber, datetime.date(2025, 12, 3))
    sweep_at(datetime.date(2026, 11, 5))
    sweep_at(datetime.date(2026, 11, 5))
    sweep_at(datetime.date(2026, 11, 6))
    assert titles(p.teacher) == ["2 trainings due: see My training"]
