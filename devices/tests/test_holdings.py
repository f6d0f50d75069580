"""What the devices app tells a subject access search: devices lent to the person; only
loans the searcher may see."""

import pytest

from devices.holdings import held_about
from devices.tests.factories import lend
from esafety.roles import access_for


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
