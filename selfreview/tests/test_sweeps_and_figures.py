"""Reminders to an action's owner (on the due date, and once overdue; each once), the
figures the dashboard reads (checked against a hand count) and the home panel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.figures import figure_for
from esafety.models import Notification
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in
from selfreview import services
from selfreview.figures import ActionProgress
from selfreview.models import ActionItem, SelfReview
from selfreview.tests.factories import rated_review

pytestmark = pytest.mark.django_db
JOB = {"selfreview.actions": registered_jobs()["selfreview.actions"]}


def add(p, review, days, text="Check the filter"):
    return services.add_action(
        review=review,
        by=p.esafety_officer,
        text=text,
        owner=p.teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_the_owner_is_reminded_on_the_due_date_and_once_overdue_each_once(personas):
    p = personas
    review = services.start_review(school=p.school, by=p.esafety_officer)
    action = add(p, review, 3)
    now = timezone.now()
    run_sweeps(now, jobs=JOB)
    assert titles(p.teacher) == []
    due_day = now + datetime.timedelta(days=3)
    run_sweeps(due_day, jobs=JOB)
    run_sweeps(due_day + datetime.timedelta(minutes=5), jobs=JOB)
    assert titles(p.teacher) == ["A self-review action of yours is due today"]
    for days in (4, 5, 9):
        run_sweeps(now + datetime.timedelta(days=days), jobs=JOB)
    assert sorted(titles(p.teacher)) == [
        "A self-review action of yours is due today",
        "A self-review action of yours is overdue",
    ]
    link = Notification.objects.filter(recipient=p.teacher).first().link
    assert link == reverse("selfreview-action", args=[action.pk])


def test_a_done_action_is_not_chased(personas):
    p = personas
    review = services.start_review(school=p.school, by=p.esafety_officer)
    action = add(p, review, 1)
    services.complete_action(action=action, by=p.teacher)
    run_sweeps(timezone.now() + datetime.timedelta(days=10), jobs=JOB)
    assert titles(p.teacher) == []


def test_action_figures_match_a_hand_count(personas):
    p = personas
    review = services.start_review(school=p.school, by=p.esafety_officer)
    add(p, review, 5)
    add(p, review, 10)
    done = add(p, review, 2)
    services.complete_action(action=done, by=p.teacher)
    late = add(p, review, 1)
    ActionItem.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    # Last year's plan: one overdue action left over; it counts only in overdue_all.
    old = SelfReview.objects.create(
        school=p.school,
        year_start=review.year_start.replace(year=review.year_start.year - 1),
        created_by=p.esafety_officer,
    )
    ActionItem.objects.create(
        review=old,
        text="Old",
        owner=p.teacher,
        due_on=timezone.localdate() - datetime.timedelta(days=90),
    )
    found = figure_for("selfreview.actions", p.school.pk)
    assert found == ActionProgress(review.year, total=4, done=1, open=3, overdue=1, overdue_all=2)
    assert found.as_dashboard() == {"Done": 1, "Not yet due": 2, "Overdue": 1}
    assert figure_for("selfreview.actions", p.other_school.pk) == ActionProgress(None)


def test_level_figures_hold_this_year_and_last_year(personas):
    p = personas
    review = rated_review(p, level=3)
    last = SelfReview.objects.create(
        school=p.school,
        year_start=review.year_start.replace(year=review.year_start.year - 1),
        created_by=p.esafety_officer,
    )
    last.ratings.create(aspect="curriculum", level=1)
    services.sign_as_head(review=review, by=p.headteacher)
    found = figure_for("selfreview.levels", p.school.pk)
    assert found.this_year["stage"] == "head_signed"
    assert found.this_year["levels"]["curriculum"] == 3 and len(found.this_year["levels"]) == 9
    assert found.last_year == {"year": last.year, "stage": "draft", "levels": {"curriculum": 1}}
    assert [key for key, _ in found.aspects][:2] == ["leadership", "filtering"]
    # The dashboard's flat view: the latest signed levels by aspect title.
    assert found.as_dashboard()["Education and the curriculum"] == 3
    other = figure_for("selfreview.levels", p.other_school.pk)
    assert other.this_year["stage"] == "none" and other.this_year["levels"] == {}
    assert set(other.as_dashboard().values()) == {None}


def test_the_home_panel_says_what_is_due(personas, client):
    p = personas
    sign_in(client, p.headteacher)
    assert "Self-review" in client.get(reverse("home")).content.decode()
    assert "not started yet" in client.get(reverse("home")).content.decode()
    review = rated_review(p)
    late = add(p, review, 1)
    ActionItem.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = client.get(reverse("home")).content.decode()
    assert "9 of 9 aspects rated; ready for you to sign" in page
    assert "1 action of the plan overdue" in page
    sign_in(client, p.teacher)
    assert "Online-safety self-review" not in client.get(reverse("home")).content.decode()


def test_the_trust_page_sets_schools_side_by_side_with_last_year(personas, client):
    p = personas
    review = rated_review(p, level=3)
    services.sign_as_head(review=review, by=p.headteacher)
    other = services.start_review(school=p.other_school, by=p.other_school_headteacher)
    services.rate(review=other, by=p.other_school_headteacher, aspect="curriculum", level=5)
    sign_in(client, p.chair)
    page = client.get(reverse("selfreview-trust")).content.decode()
    assert '<th scope="colgroup" colspan="2">Elmridge Primary</th>' in page
    assert '<th scope="colgroup" colspan="2">Oakwood Primary</th>' in page
    assert page.count("3 – Developing") == 9
    assert "5 – Strong and reviewed" not in page  # the other school's draft isn't shown


def test_the_owner_finds_their_action_on_their_home_page(personas, client):
    p = personas
    review = services.start_review(school=p.school, by=p.esafety_officer)
    soon = add(p, review, 5, text="Teach the privacy strand to Year 5")
    add(p, review, 60, text="Something for the summer term")
    page = sign_in(client, p.teacher).get(reverse("home")).content.decode()
    assert "Your self-review actions due" in page
    assert soon.get_absolute_url() in page and "Something for the summer term" not in page
    services.complete_action(action=soon, by=p.teacher)
    assert "Your self-review actions due" not in client.get(reverse("home")).content.decode()
