"""The headteacher rule at the rule layer, on its own: a concern about the headteacher is
hidden from whoever is headteacher of that school, and from nobody else. The filter, the
one-incident test and the people list must agree for every kind of person."""

import datetime

import pytest
import time_machine

from esafety.models import Membership, Notification, Role, TrusteeMembership
from esafety.roles import forget_access
from esafety.sweeps import run_sweeps
from incidents import services
from incidents.models import Incident, Subject
from incidents.rules import (
    hidden_from_headteacher,
    hidden_from_headteacher_q,
    people_hidden_from,
    who_may_be_told,
)
from incidents.tests.factories import report
from incidents.tests.test_timers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def about_head(personas):
    return report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)


@pytest.fixture
def about_pupil(personas):
    return report(personas.school, personas.teacher)


def _hidden_by_filter(user, incident) -> bool:
    return Incident.objects.filter(hidden_from_headteacher_q(user), pk=incident.pk).exists()


HIDDEN_FROM = {"headteacher"}
SEES_IT = ["esafety_officer", "teacher", "technician", "trustee", "chair", "pupil", "parent",
           "other_school_headteacher", "other_school_teacher"]  # fmt: skip


@pytest.mark.parametrize("name", sorted(HIDDEN_FROM) + SEES_IT)
def test_each_person_the_filter_and_the_single_test_agree(personas, about_head, name):
    user = personas.get(name)
    expected = name in HIDDEN_FROM
    assert hidden_from_headteacher(user, about_head) is expected
    assert _hidden_by_filter(user, about_head) is expected
    assert (user.pk in set(people_hidden_from(about_head).values_list("user_id", flat=True))) is (
        expected
    )
    assert (who_may_be_told(about_head, [user]) == []) is expected


@pytest.mark.parametrize(
    "extra",
    [
        "e-safety officer",
        "trustee of the same trust",
    ],
)
def test_a_headteacher_with_another_role_is_still_excluded(personas, about_head, extra):
    head = personas.headteacher
    if extra == "e-safety officer":
        Membership.objects.create(user=head, school=personas.school, role=Role.ESAFETY_OFFICER)
    else:
        TrusteeMembership.objects.create(
            user=head, trust=personas.school.trust, started_on=datetime.date(2025, 9, 1)
        )
    forget_access(head)
    assert hidden_from_headteacher(head, about_head)
    assert _hidden_by_filter(head, about_head)
    assert about_head not in Incident.objects.visible_to(head)


def test_a_former_headteacher_is_no_longer_excluded(personas, about_head):
    head = personas.headteacher
    Membership.objects.filter(user=head).update(ended_on=datetime.date(2025, 10, 1))
    Membership.objects.create(user=head, school=personas.school, role=Role.STAFF)
    forget_access(head)
    assert not hidden_from_headteacher(head, about_head)
    assert not _hidden_by_filter(head, about_head)


def test_the_rule_hides_only_concerns_about_the_headteacher(personas, about_pupil):
    assert not hidden_from_headteacher(personas.headteacher, about_pupil)
    assert not _hidden_by_filter(personas.headteacher, about_pupil)
    assert not people_hidden_from(about_pupil).exists()


def test_a_headteacher_of_another_school_is_not_excluded(personas, about_head):
    assert not hidden_from_headteacher(personas.other_school_headteacher, about_head)


def test_review_due_reminder_skips_a_head_who_is_the_esafety_officer(personas):
    """The only e-safety officer is the headteacher: the review reminder for a concern about
    the head must not reach them, and must reach them for an ordinary incident."""
    head = personas.headteacher
    Membership.objects.filter(user=personas.esafety_officer).update(
        ended_on=datetime.date(2025, 10, 1)
    )
    Membership.objects.create(user=head, school=personas.school, role=Role.ESAFETY_OFFICER)
    forget_access(head)
    with time_machine.travel(at(23, 10), tick=False):
        hidden = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
        ordinary = report(personas.school, personas.teacher)
        for incident in (hidden, ordinary):
            services.set_review_date(
                incident=incident, by=personas.chair, review_date=datetime.date(2026, 11, 26)
            )
    run_sweeps(now=at(26, 9))
    titles = list(Notification.objects.filter(recipient=head).values_list("title", flat=True))
    assert f"Incident {ordinary.named} is due for review" in titles
    assert not any(hidden.number in t for t in titles)
