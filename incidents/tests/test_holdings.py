"""What the incident log tells a subject access search: the incidents a person is in
(with their part), those they reported, a pupil's chronology; only what the searcher may
see in the log itself (and their file sent to another school), in three queries."""

import pytest

from esafety.roles import access_for
from incidents.holdings import held_about
from incidents.models import Part, PersonKind, Subject
from incidents.tests.factories import report


def involving(p, who, part=Part.TARGET, kind=PersonKind.PUPIL, by=None, **fields):
    entry = {"person": who, "name": "", "kind": kind, "part": part}
    return report(p.school, by or p.teacher, people=[entry], **fields)


def refs(found):
    return {held.ref for held in found}


def test_a_pupils_incidents_their_part_and_chronology(personas):
    p = personas
    incident = involving(p, p.pupil, Part.WITNESS)
    report(p.school, p.teacher)  # nobody named: not about Poppy
    found = held_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert refs(found) == {f"incident:{incident.pk}", "chronology"}
    held = next(h for h in found if h.ref == f"incident:{incident.pk}")
    assert held.title == f"{incident.reference} (witness)"
    assert ("Their part", "Witness") in held.details


def test_the_head_never_finds_a_concern_about_themselves(personas):
    p = personas
    concern = involving(
        p, p.headteacher, Part.ALLEGED, PersonKind.STAFF, subject=Subject.HEADTEACHER
    )
    assert refs(held_about(p.headteacher, searcher=p.esafety_officer, school=p.school)) == {
        f"incident:{concern.pk}"
    }
    assert held_about(p.headteacher, searcher=p.headteacher, school=p.school) == []


def test_what_they_reported_and_only_what_the_searcher_may_see(personas):
    p = personas
    theirs = report(p.school, p.teacher)
    officers = report(p.school, p.esafety_officer)
    found = held_about(p.teacher, searcher=p.esafety_officer, school=p.school)
    assert refs(found) == {f"incident:{theirs.pk}"}
    assert next(iter(found)).title == f"{theirs.reference} (reported by them)"
    # A member of staff sees only what they reported, and nothing in another school.
    assert held_about(p.esafety_officer, searcher=p.teacher, school=p.school) == []
    assert officers.pk and held_about(p.teacher, searcher=p.teacher, school=p.other_school) == []


@pytest.mark.parametrize("count", [2, 12])
def test_three_queries_however_many(personas, django_assert_num_queries, count):
    p = personas
    for _ in range(count):
        involving(p, p.pupil)
    access_for(p.esafety_officer)  # the searcher's roles, read once a request
    with django_assert_num_queries(3):  # parts, reported, transfers
        found = held_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert len(found) == count + 1


def test_their_file_sent_to_another_school_and_never_to_a_head_it_is_hidden_from(personas):
    import datetime

    from incidents import transfers

    p = personas
    involving(p, p.pupil, Part.TARGET, subject=Subject.HEADTEACHER)
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=datetime.date(2026, 11, 11), destination="X"
    )
    found = held_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert f"transfer:{transfer.pk}" in refs(found)
    held = next(h for h in found if h.ref == f"transfer:{transfer.pk}")
    assert ("Moving to", "X") in held.details
    assert f"transfer:{transfer.pk}" not in refs(
        held_about(p.pupil, searcher=p.headteacher, school=p.school)
    )
