"""What the training app tells a subject access search: the person's training records;
only those the searcher may see."""

import datetime

import pytest

from esafety.roles import access_for
from training.holdings import held_about
from training.tests.factories import record, requirement


def test_their_records_only(personas):
    p = personas
    req = requirement(p.school)
    mine = record(p.teacher, req, datetime.date(2026, 9, 3), provider="The local authority")
    record(p.technician, req, datetime.date(2026, 9, 3))
    found = held_about(p.teacher, searcher=p.esafety_officer, school=p.school)
    assert [held.ref for held in found] == [f"record:{mine.pk}"]
    assert found[0].date == datetime.date(2026, 9, 3)
    assert ("Provider", "The local authority") in found[0].details
    # Another member of staff may not see a colleague's record; nor another school.
    assert held_about(p.teacher, searcher=p.technician, school=p.school) == []
    assert held_about(p.teacher, searcher=p.esafety_officer, school=p.other_school) == []


@pytest.mark.parametrize("count", [1, 6])
def test_one_query(personas, django_assert_num_queries, count):
    p = personas
    req = requirement(p.school)
    for n in range(count):
        record(p.teacher, req, datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    access_for(p.headteacher)  # the searcher's roles, read once a request
    with django_assert_num_queries(1):
        assert len(held_about(p.teacher, searcher=p.headteacher, school=p.school)) == count
