"""What the governance app tells a subject access search: the school's termly reports a
person started, signed or (a trustee) marked read; a draft only to the school's leads."""

import pytest

from esafety.roles import access_for
from governance import services
from governance.holdings import held_about
from governance.terms import Term

AUTUMN, SPRING = Term(2026, "autumn"), Term(2027, "spring")


def _render(report):
    return b"%PDF-1.4 signed", {}


@pytest.fixture
def reports(personas):
    """Autumn: written and signed by the head, read by a trustee. Spring: the officer's
    draft."""
    p = personas
    autumn = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
    )
    autumn = services.sign_report(
        report=autumn, by=p.headteacher, render=_render, narrative="A calm term."
    )
    services.mark_read(report=autumn, by=p.trustee)
    spring = services.start_report(
        trust=p.school.trust, school=p.school, term=SPRING, by=p.esafety_officer
    )
    return autumn, spring


def test_the_reports_they_wrote_signed_or_read(personas, reports):
    p = personas
    autumn, spring = reports
    found = held_about(p.headteacher, searcher=p.esafety_officer, school=p.school)
    assert [held.ref for held in found] == [f"report:{autumn.pk}"]
    details = dict(found[0].details)
    assert details["Their part"] == "Started it, signed it"
    assert details["Status"] == "Signed and sent to trustees"
    assert found[0].title == f"Online-safety report, {autumn.term_label}"

    found = held_about(p.trustee, searcher=p.headteacher, school=p.school)
    assert [held.ref for held in found] == [f"report:{autumn.pk}"]
    assert dict(found[0].details)["Their part"] == "Marked it read"
    assert "Marked read" in dict(found[0].details)

    found = held_about(p.esafety_officer, searcher=p.headteacher, school=p.school)
    assert [(held.ref, dict(held.details)["Status"]) for held in found] == [
        (f"report:{spring.pk}", "Draft")
    ]
    assert held_about(p.teacher, searcher=p.headteacher, school=p.school) == []


def test_nothing_for_another_school(personas, reports):
    p = personas
    assert held_about(p.headteacher, searcher=p.headteacher, school=p.other_school) == []
    assert held_about(p.headteacher, searcher=p.other_school_headteacher, school=p.school) == []


def test_a_draft_only_for_the_schools_leads(personas, reports):
    """A trustee knows of the signed report only; staff of no lead role, of none."""
    p = personas
    autumn, _ = reports
    found = held_about(p.esafety_officer, searcher=p.trustee, school=p.school)
    assert found == []
    found = held_about(p.headteacher, searcher=p.trustee, school=p.school)
    assert [held.ref for held in found] == [f"report:{autumn.pk}"]
    for searcher in (p.teacher, p.technician, p.pupil, p.parent):
        assert held_about(p.headteacher, searcher=searcher, school=p.school) == []


def test_one_query(personas, reports, django_assert_num_queries):
    p = personas
    access_for(p.headteacher)  # the searcher's roles, read once a request
    with django_assert_num_queries(1):
        assert len(held_about(p.headteacher, searcher=p.headteacher, school=p.school)) == 1
