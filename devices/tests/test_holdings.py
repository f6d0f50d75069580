"""What the devices app tells a subject access search: devices lent to the person, their
own devices confiscated and the searches of them, the breaches that concern them; only
what the searcher may see."""

import pytest
from django.utils import timezone

from devices.breaches import report_loss
from devices.holdings import breaches_about, held_about, held_in_custody
from devices.tests.factories import breach, confiscation, lend, search
from esafety.roles import access_for
from esafety.testing import person


def test_loans_to_the_person(personas):
    p = personas
    loan = lend(p)
    lend(p, borrower=p.teacher)
    found = held_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert [held.ref for held in found] == [f"loan:{loan.pk}"]
    assert found[0].title == f"Loan of {loan.device.asset_tag}"
    assert ("Returned", "Not yet") in found[0].details
    assert held_about(p.pupil, searcher=p.teacher, school=p.school) == []
    assert held_about(p.pupil, searcher=p.esafety_officer, school=p.other_school) == []


@pytest.mark.parametrize("count", [1, 5])
def test_one_query(personas, django_assert_num_queries, count):
    p = personas
    for _ in range(count):
        lend(p)
    access_for(p.headteacher)  # the searcher's roles, read once a request
    with django_assert_num_queries(1):
        assert len(held_about(p.pupil, searcher=p.headteacher, school=p.school)) == count


# --- confiscations and searches ------------------------------------------------------------


def test_their_confiscated_devices_and_searches(personas):
    p = personas
    taken = confiscation(p)
    searched = search(p, found="A vape", witness=p.esafety_officer)
    other_pupil = person(p.school, "pupil", name="Ivy Otherpupil")
    confiscation(p, pupil=other_pupil)
    search(p, pupil=other_pupil)
    found = held_in_custody(p.pupil, searcher=p.headteacher, school=p.school)
    assert {held.ref for held in found} == {f"confiscation:{taken.pk}", f"search:{searched.pk}"}
    by_ref = {held.ref: held for held in found}
    assert ("Taken by", "Terry Teacher") in by_ref[f"confiscation:{taken.pk}"].details
    assert ("Given back", "Not yet") in by_ref[f"confiscation:{taken.pk}"].details
    assert ("Witness", "Eddie Officer") in by_ref[f"search:{searched.pk}"].details
    assert ("Found", "A vape") in by_ref[f"search:{searched.pk}"].details
    assert held_in_custody(p.pupil, searcher=p.headteacher, school=p.other_school) == []


def test_custody_only_as_far_as_the_searcher_may_see(personas):
    """The teacher who took the phone sees that one; a technician, nothing; another
    school's headteacher, nothing."""
    p = personas
    mine = confiscation(p)
    confiscation(p, confiscated_by=p.esafety_officer)
    search(p, searched_by=p.esafety_officer)
    found = held_in_custody(p.pupil, searcher=p.teacher, school=p.school)
    assert [held.ref for held in found] == [f"confiscation:{mine.pk}"]
    assert held_in_custody(p.pupil, searcher=p.technician, school=p.school) == []
    assert held_in_custody(p.pupil, searcher=p.other_school_headteacher, school=p.school) == []


@pytest.mark.parametrize("count", [1, 4])
def test_custody_two_queries(personas, django_assert_num_queries, count):
    p = personas
    for _ in range(count):
        confiscation(p)
        search(p)
    access_for(p.esafety_officer)
    with django_assert_num_queries(2):
        found = held_in_custody(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert len(found) == 2 * count


# --- breaches ---------------------------------------------------------------------------------


def _lost_on_loan(p):
    loan = lend(p, hand_over=True)
    report_loss(
        device=loan.device,
        by=p.technician,
        kind="lost",
        happened_at=timezone.now(),
        where="On the school bus",
        held_personal_data=True,
        personal_data="Poppy's homework",
        was_encrypted=True,
    )
    return loan.device.losses.get().breach


def test_breaches_that_concern_them(personas):
    p = personas
    named = breach(p, people_affected="Poppy Pupil and her parents")
    lost = _lost_on_loan(p)
    breach(p)  # "28 pupils in 5B": does not name her
    found = breaches_about(p.pupil, searcher=p.headteacher, school=p.school)
    by_ref = {held.ref: held for held in found}
    assert set(by_ref) == {f"breach:{named.pk}", f"breach:{lost.pk}"}
    assert ("Why it is listed", "The record names them") in by_ref[f"breach:{named.pk}"].details
    why = dict(by_ref[f"breach:{lost.pk}"].details)["Why it is listed"]
    assert why.startswith("The device lost was lent to them")
    # The technician reported the loss: found for them, with that reason.
    found = breaches_about(p.technician, searcher=p.headteacher, school=p.school)
    assert [dict(held.details)["Why it is listed"] for held in found] == ["They reported the loss"]


def test_breaches_only_for_the_schools_leads(personas):
    p = personas
    breach(p, people_affected="Poppy Pupil")
    assert breaches_about(p.pupil, searcher=p.esafety_officer, school=p.school) != []
    for searcher in (p.teacher, p.technician, p.other_school_headteacher, p.trustee):
        assert breaches_about(p.pupil, searcher=searcher, school=p.school) == []
    assert breaches_about(p.pupil, searcher=p.esafety_officer, school=p.other_school) == []


def test_a_short_name_is_not_searched_for(personas):
    """A name this short would match other words: only links to the person count."""
    p = personas
    al = person(p.school, "pupil", name="Al")
    breach(p, people_affected="All of class 5B")
    assert breaches_about(al, searcher=p.headteacher, school=p.school) == []


@pytest.mark.parametrize("count", [1, 4])
def test_breaches_one_query(personas, django_assert_num_queries, count):
    p = personas
    for _ in range(count):
        breach(p, people_affected="Poppy Pupil")
    access_for(p.headteacher)
    with django_assert_num_queries(1):
        assert len(breaches_about(p.pupil, searcher=p.headteacher, school=p.school)) == count
