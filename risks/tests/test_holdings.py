"""What the risk register tells a subject access search: the school's risks naming the
person (owner, identified, scored or accepted it, owns an action on it), only as far as
the searcher may see them, never by name to a trustee."""

import pytest

from esafety.roles import access_for
from esafety.testing import person
from risks.holdings import held_about
from risks.tests.factories import make_action, make_risk


@pytest.fixture
def register(personas):
    """R-001 owned by the technician, the teacher acting on it; R-002 the officer's own."""
    p = personas
    shared = make_risk(p.school, p.esafety_officer, owners=[p.technician])
    action = make_action(shared, p.esafety_officer, p.teacher)
    own = make_risk(p.school, p.esafety_officer, title="Staff reuse passwords")
    return shared, action, own


def test_the_risks_that_name_them(personas, register):
    p = personas
    shared, action, own = register
    found = held_about(p.technician, searcher=p.headteacher, school=p.school)
    assert [held.ref for held in found] == [f"risk:{shared.pk}"]
    assert ("Their part", "Owner") in found[0].details
    assert found[0].title == f"R-001 {shared.title}"

    found = held_about(p.teacher, searcher=p.headteacher, school=p.school)
    assert [held.ref for held in found] == [f"risk:{shared.pk}"]
    details = dict(found[0].details)
    assert details["Their part"] == "Owns 1 action on it"
    assert details[f"Their action, due {action.due_on:%-d %B %Y}"] == (
        "Lock down the laptops (Not done yet)"
    )

    found = held_about(p.esafety_officer, searcher=p.headteacher, school=p.school)
    assert [held.ref for held in found] == [f"risk:{shared.pk}", f"risk:{own.pk}"]
    assert ("Their part", "Owner, identified it, scored it") in found[1].details
    assert held_about(p.pupil, searcher=p.headteacher, school=p.school) == []


def test_nothing_for_another_school(personas, register):
    p = personas
    assert held_about(p.technician, searcher=p.headteacher, school=p.other_school) == []
    assert held_about(p.technician, searcher=p.other_school_headteacher, school=p.school) == []
    other = person(p.other_school, "esafety_officer", name="Oscar Otherofficer")
    make_risk(p.other_school, other, owners=[p.technician])
    assert held_about(p.technician, searcher=p.headteacher, school=p.school) != []
    assert len(held_about(p.technician, searcher=p.headteacher, school=p.school)) == 1


def test_only_the_risks_the_searcher_may_open(personas, register):
    """The teacher opens only the risk they act on; the technician only the one they own;
    a trustee sees the register without names, so finds nobody in it."""
    p = personas
    shared, _, _ = register
    for searcher in (p.teacher, p.technician):
        found = held_about(p.esafety_officer, searcher=searcher, school=p.school)
        assert [held.ref for held in found] == [f"risk:{shared.pk}"]
    for searcher in (p.trustee, p.chair, p.pupil, p.parent):
        assert held_about(p.esafety_officer, searcher=searcher, school=p.school) == []


@pytest.mark.parametrize("count", [1, 4])
def test_two_queries(personas, django_assert_num_queries, count):
    p = personas
    for _ in range(count):
        risk = make_risk(p.school, p.esafety_officer, owners=[p.technician])
        make_action(risk, p.esafety_officer, p.technician)
    access_for(p.headteacher)  # the searcher's roles, read once a request
    with django_assert_num_queries(2):
        found = held_about(p.technician, searcher=p.headteacher, school=p.school)
    assert len(found) == count
