"""What the self-review tells a subject access search: the plan's actions a person owns
and the reviews they started or signed; names only to those who may see them."""

import datetime

import pytest

from esafety.roles import access_for
from selfreview import services
from selfreview.holdings import held_about
from selfreview.tests.factories import rated_review, today


@pytest.fixture
def plan(personas):
    """This year's review (the officer's), with an action each for the teacher and the
    technician, signed by the headteacher and the chair."""
    p = personas
    review = rated_review(p)
    due = today() + datetime.timedelta(days=30)
    teachers = services.add_action(
        review=review, by=p.esafety_officer, text="Teach the new unit", owner=p.teacher, due_on=due
    )
    technicians = services.add_action(
        review=review, by=p.esafety_officer, text="Check filters", owner=p.technician, due_on=due
    )
    services.sign_as_head(review=review, by=p.headteacher)
    services.sign_as_chair(review=review, by=p.chair)
    review.refresh_from_db()
    return review, teachers, technicians


def test_their_actions_and_the_reviews_they_started_or_signed(personas, plan):
    p = personas
    review, teachers, _ = plan
    found = held_about(p.teacher, searcher=p.esafety_officer, school=p.school)
    assert [held.ref for held in found] == [f"action:{teachers.pk}"]
    details = dict(found[0].details)
    assert details["What will be done"] == "Teach the new unit"
    assert details["Done"] == "Not yet"

    found = held_about(p.esafety_officer, searcher=p.headteacher, school=p.school)
    assert [held.ref for held in found] == [f"review:{review.pk}"]
    assert dict(found[0].details)["Their part"] == "Started it"

    found = held_about(p.headteacher, searcher=p.esafety_officer, school=p.school)
    part = dict(found[0].details)["Their part"]
    assert part == f"Signed it as headteacher on {review.head_signed_at:%-d %B %Y}"
    assert held_about(p.pupil, searcher=p.headteacher, school=p.school) == []


def test_nothing_for_another_school(personas, plan):
    p = personas
    assert held_about(p.teacher, searcher=p.esafety_officer, school=p.other_school) == []
    assert held_about(p.teacher, searcher=p.other_school_headteacher, school=p.school) == []


def test_only_what_the_searcher_may_see(personas, plan):
    """An action's owner sees their own action only; a trustee sees owners as roles, so
    finds no one's action, only the signatures they see on the review anyway."""
    p = personas
    review, teachers, _ = plan
    found = held_about(p.teacher, searcher=p.teacher, school=p.school)
    assert [held.ref for held in found] == [f"action:{teachers.pk}"]
    assert held_about(p.technician, searcher=p.teacher, school=p.school) == []
    assert held_about(p.teacher, searcher=p.technician, school=p.school) == []
    assert held_about(p.teacher, searcher=p.trustee, school=p.school) == []
    assert held_about(p.esafety_officer, searcher=p.trustee, school=p.school) == []
    found = held_about(p.headteacher, searcher=p.trustee, school=p.school)
    assert [held.ref for held in found] == [f"review:{review.pk}"]
    for searcher in (p.pupil, p.parent):
        assert held_about(p.teacher, searcher=searcher, school=p.school) == []


def test_two_queries(personas, plan, django_assert_num_queries):
    p = personas
    access_for(p.headteacher)  # the searcher's roles, read once a request
    with django_assert_num_queries(2):
        assert len(held_about(p.teacher, searcher=p.headteacher, school=p.school)) == 1
