"""Deadlines skip weekends, bank holidays in England and Wales (the `holidays` package)
and the school's own closure days, and say why they fall when they do."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esafety.models import ClosureDay
from esafety.testing import sign_in
from incidents.deadlines import acknowledge_due, add_working_days
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_a_report_late_on_the_thursday_before_good_friday_is_due_on_tuesday(personas):
    deadline = acknowledge_due(personas.school, at(2026, 4, 2, 16, 30))
    assert deadline.at == at(2026, 4, 7, 10)  # not Good Friday, not Easter Monday
    assert deadline.reason.startswith("next working day, 10:00")
    assert "Good Friday" in deadline.reason and "Easter Monday" in deadline.reason


def test_christmas_and_the_observed_boxing_day_are_skipped(personas):
    deadline = acknowledge_due(personas.school, at(2026, 12, 24, 18))
    assert deadline.at == at(2026, 12, 29, 10)


def test_a_school_closure_day_is_skipped(personas):
    ClosureDay.objects.create(
        school=personas.school, date=datetime.date(2026, 11, 30), reason="INSET"
    )
    deadline = acknowledge_due(personas.school, at(2026, 11, 27, 16, 30))
    assert deadline.at == at(2026, 12, 1, 10)
    assert "school closed (INSET)" in deadline.reason
    other = acknowledge_due(personas.other_school, at(2026, 11, 27, 16, 30))
    assert other.at == at(2026, 11, 30, 10)  # another school's closure is not this one's


def test_a_report_on_a_closure_day_waits_for_the_next_working_day(personas):
    ClosureDay.objects.create(school=personas.school, date=datetime.date(2026, 11, 30))
    assert acknowledge_due(personas.school, at(2026, 11, 30, 9)).at == at(2026, 12, 1, 10)


def test_the_lado_working_day_skips_easter(personas):
    assert add_working_days(personas.school, at(2026, 4, 2, 11), 1) == at(2026, 4, 7, 11)


def test_the_officer_sees_the_deadlines_reason(personas, client):
    with time_machine.travel(at(2026, 4, 2, 16, 30), tick=False):
        incident = report(personas.school, personas.teacher)
        sign_in(client, personas.esafety_officer)
        page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "7 Apr 2026, 10:00" in page
    assert "next working day, 10:00" in page
