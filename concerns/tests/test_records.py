"""A concern across its life: the subject access search finds it (never for the person
it is hidden from), and the retention review lists it only once the person has left."""

import datetime

import pytest
from django.utils import timezone

from concerns.retention import low_level
from concerns.tests.factories import concern
from esafety.models import Membership
from esafety.subject_access.holdings import registered_holdings

pytestmark = pytest.mark.django_db


def _finder():
    return next(h for h in registered_holdings() if h.name == "concerns").finder


def test_subject_access_finds_concerns_about_and_raised_by_a_person(personas):
    about = concern(personas.school, personas.esafety_officer, personas.teacher)
    raised = concern(personas.school, personas.teacher, personas.technician)
    found = _finder()(personas.teacher, searcher=personas.headteacher, school=personas.school)
    assert {h.ref for h in found} == {f"concern:{about.pk}", f"concern:{raised.pk}"}
    assert {h.title for h in found} == {
        f"{about.number} (about them)",
        f"{raised.number} (raised by them)",
    }
    # The e-safety officer may handle subject access, but sees no concern: none found.
    assert (
        _finder()(personas.teacher, searcher=personas.esafety_officer, school=personas.school) == []
    )


def test_kept_while_the_person_works_here_then_for_the_schools_period(personas):
    made = concern(personas.school, personas.esafety_officer, personas.teacher)
    today = timezone.localdate()
    review = {"school": personas.school, "viewer": personas.headteacher, "today": today}
    assert low_level(years=0, **review) == []
    left = today - datetime.timedelta(days=400)
    Membership.objects.filter(user=personas.teacher).update(ended_on=left)
    [listed] = low_level(years=1, **review)
    assert listed.record == made and listed.keep_until == left.replace(year=left.year + 1)
    assert listed.reference == made.number and "Terry" not in listed.reference
    assert low_level(years=2, **review) == []
    # A concern about the headteacher is never in the headteacher's review.
    about_head = concern(personas.school, personas.teacher, personas.headteacher)
    Membership.objects.filter(user=personas.headteacher).update(ended_on=left)
    listed = low_level(years=1, **review)
    assert about_head not in [c.record for c in listed]
