"""The register's reminders: each one once, even when the sweep runs twice."""

import datetime

import pytest
from django.utils import timezone

from esafety.models import Notification
from esafety.sweeps import registered_jobs, run_sweeps
from incidents.models import IncidentTag
from incidents.tests.factories import report
from risks.models import FilteringReview, Risk
from risks.tests.factories import make_action, make_risk, recorded_review

pytestmark = pytest.mark.django_db


def sweep_twice(job, when):
    jobs = {job: registered_jobs()[job]}
    run_sweeps(now=when, jobs=jobs)
    run_sweeps(now=when, jobs=jobs)


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


def test_an_overdue_action_reminds_its_owner_then_the_risks_owners_once_each(personas):
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.technician])
    make_action(risk, personas.esafety_officer, personas.teacher, days=1)
    sweep_twice("risks.overdue_actions", days(3))
    assert titles(personas.teacher) == ["An action on risk R-001 is overdue"]
    assert titles(personas.technician) == []
    sweep_twice("risks.overdue_actions", days(10))
    assert titles(personas.teacher) == ["An action on risk R-001 is overdue"]
    assert titles(personas.technician) == ["Still: An action on risk R-001 is overdue"]


def test_a_done_action_reminds_nobody(personas):
    from risks import services

    risk = make_risk(personas.school, personas.esafety_officer)
    action = make_action(risk, personas.esafety_officer, personas.teacher, days=0)
    services.complete_action(action=action, by=personas.teacher)
    sweep_twice("risks.overdue_actions", days(30))
    assert titles(personas.teacher) == []


def test_a_review_reminds_the_owners_then_the_officer_then_the_head_once_each(personas):
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.technician])
    Risk.objects.filter(pk=risk.pk).update(
        review_due=timezone.localdate() + datetime.timedelta(days=20)
    )
    sweep_twice("risks.reviews", days(1))
    assert titles(personas.technician) == []  # more than 14 days ahead
    sweep_twice("risks.reviews", days(7))
    assert titles(personas.technician) == ["Risk R-001 is due for review"]
    sweep_twice("risks.reviews", days(21))
    assert titles(personas.esafety_officer) == ["Risk R-001's review is overdue"]
    assert titles(personas.headteacher) == []
    sweep_twice("risks.reviews", days(40))
    assert titles(personas.headteacher) == ["Risk R-001's review is overdue"]
    assert len(titles(personas.technician)) == 1 and len(titles(personas.esafety_officer)) == 1


def test_the_yearly_filtering_review_reminds_30_days_before_then_tells_the_head(personas):
    held = timezone.localdate() - datetime.timedelta(days=300)
    recorded_review(personas.school, personas.headteacher, personas.esafety_officer, held_on=held)
    sweep_twice("risks.filtering_review_due", days(0))
    assert titles(personas.esafety_officer) == []  # due in about 65 days
    sweep_twice("risks.filtering_review_due", days(40))
    soon = [t for t in titles(personas.esafety_officer) if "is due by" in t]
    assert len(soon) == 1
    sweep_twice("risks.filtering_review_due", days(70))
    assert titles(personas.headteacher).count("The filtering and monitoring review is overdue") == 1


def test_a_filtering_breach_incident_prompts_one_early_review(personas):
    breach = IncidentTag.objects.get(slug="filtering-breach", school__isnull=True)
    first = report(personas.school, personas.teacher, tags=[breach])
    second = report(personas.school, personas.teacher, tags=[breach])
    report(personas.school, personas.teacher)  # not a breach
    sweep_twice("risks.filtering_breaches", timezone.now())
    review = FilteringReview.objects.get()
    assert review.reason == "early" and set(review.incidents.all()) == {first, second}
    officer = titles(personas.esafety_officer)
    assert (
        officer.count("A filtering breach asks for an early filtering and monitoring review") == 1
    )


def test_a_school_that_never_had_a_filtering_review_is_reminded_once_then_the_head(personas):
    job, title = "risks.filtering_never_reviewed", "No filtering and monitoring review"

    def reminded(user):
        return [t for t in titles(user) if t.startswith(title)]

    sweep_twice(job, days(0))
    assert len(reminded(personas.esafety_officer)) == 1
    assert reminded(personas.headteacher) == []  # a grace period first
    sweep_twice(job, days(10))
    assert len(reminded(personas.esafety_officer)) == 1 and reminded(personas.headteacher) == []
    sweep_twice(job, days(31))
    assert len(reminded(personas.esafety_officer)) == 1
    assert len(reminded(personas.headteacher)) == 1
    # The other school of the trust, also without one, hears the same, separately.
    assert len(reminded(personas.other_school_headteacher)) == 1


def test_a_school_with_a_review_in_progress_or_done_is_not_told_it_has_none(personas):
    from risks import filtering

    filtering.start_review(school=personas.school, by=personas.esafety_officer)
    recorded_review(
        personas.other_school, personas.other_school_headteacher, personas.other_school_headteacher
    )
    sweep_twice("risks.filtering_never_reviewed", days(40))
    for user in (personas.esafety_officer, personas.headteacher, personas.other_school_headteacher):
        assert not [t for t in titles(user) if t.startswith("No filtering and monitoring review")]
