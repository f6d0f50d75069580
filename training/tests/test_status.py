"""Expiry arithmetic and who must have what: the calculation every page, reminder and
figure shares."""

import datetime

import pytest
import time_machine

from agreements import services as agreements
from agreements.models import Document, Kind
from agreements.tests.factories import published
from esafety.models import Membership, Role
from esafety.services import end_membership
from esafety.testing import SchoolFactory, person
from training.models import Evidence, Requirement, add_months
from training.status import DONE, DUE, MISSING, OVERDUE, school_standings, standing
from training.tests.factories import record, requirement

D = datetime.date


def req(**fields):
    return Requirement(title="T", audience_roles=["staff"], evidence=Evidence.ATTENDANCE, **fields)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 15), 12, D(2027, 3, 15)),  # yearly
        (D(2026, 3, 15), 24, D(2028, 3, 15)),  # two-yearly
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month end
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # month end in a leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # 29 February, a year on
        (D(2028, 2, 29), 48, D(2032, 2, 29)),  # ...four years on
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across the year end
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_yearly_training_is_done_then_due_within_30_days_then_overdue():
    yearly = req(renew_months=12)
    done = D(2025, 12, 1)

    def at(today):
        return standing(yearly, joined_on=D(2020, 9, 1), done_on=done, today=today)

    assert at(D(2026, 10, 31)).status == DONE
    assert at(D(2026, 11, 1)).status == DUE  # 30 days before 1 December
    assert at(D(2026, 11, 30)).status == DUE
    assert at(D(2026, 12, 1)).status == OVERDUE  # expires on the day
    assert at(D(2026, 12, 1)).due_on == D(2026, 12, 1)


def test_two_yearly_dsl_training_expires_after_two_years():
    dsl = req(renew_months=24)
    cell = standing(dsl, joined_on=D(2020, 1, 1), done_on=D(2024, 2, 29), today=D(2025, 6, 1))
    assert (cell.status, cell.due_on) == (DONE, D(2026, 2, 28))


def test_once_only_training_never_expires():
    once = req()
    cell = standing(once, joined_on=D(2000, 1, 1), done_on=D(2001, 1, 1), today=D(2030, 1, 1))
    assert (cell.status, cell.due_on) == (DONE, None)


def test_new_starter_is_due_n_days_after_joining_then_overdue():
    induction = req(induction_days=30, renew_months=12)
    joined = D(2026, 1, 20)
    due = standing(induction, joined_on=joined, done_on=None, today=D(2026, 2, 19))
    late = standing(induction, joined_on=joined, done_on=None, today=D(2026, 2, 20))
    assert (due.status, due.due_on) == (DUE, D(2026, 2, 19))
    assert late.status == OVERDUE


def test_never_done_without_an_induction_period_is_missing():
    assert (
        standing(
            req(renew_months=12), joined_on=D(2020, 1, 1), done_on=None, today=D(2026, 1, 1)
        ).status
        == MISSING
    )


@pytest.mark.django_db
def test_leavers_drop_out_and_new_starters_fall_due_from_their_start(personas):
    p = personas
    req_ = requirement(p.school, induction_days=30)
    starter = person(p.school, Role.STAFF, name="Nina Newstart", started_on=D(2026, 11, 1))
    membership = Membership.objects.get(user=p.teacher, school=p.school)
    end_membership(membership=membership, ended_on=D(2026, 10, 1))
    found = school_standings([p.school.pk], D(2026, 11, 10))[p.school.pk]
    names = [x.name for x in found.people]
    assert "Terry Teacher" not in names
    starter_row = next(x for x in found.people if x.user_id == starter.pk)
    assert found.cell(starter_row, req_).due_on == D(2026, 12, 1)
    assert found.cell(starter_row, req_).status == DUE


@pytest.mark.django_db
def test_staff_type_and_audience_decide_who_must_have_it(personas):
    p = personas
    technicians = requirement(p.school, title="Technician", audience_roles=["technician"])
    trustees = requirement(p.school, title="Trustees", audience_roles=["trustee"])
    found = school_standings([p.school.pk], D(2026, 11, 10))[p.school.pk]
    who = {
        r.title: sorted(x.name for x, _ in found.for_requirement(r))
        for r in (technicians, trustees)
    }
    assert who == {
        "Technician": ["Tess Technician"],
        "Trustees": ["Charles Chair", "Tara Trustee"],
    }


@pytest.mark.django_db
def test_standard_training_done_at_another_school_of_the_trust_counts(personas):
    p = personas
    here = requirement(p.school, code="cyber-security", audience_roles=["trustee"])
    there = requirement(p.other_school, code="cyber-security", audience_roles=["trustee"])
    record(p.trustee, there, D(2026, 10, 1))
    for school_id, r in ((p.school.pk, here), (p.other_school.pk, there)):
        found = school_standings([school_id], D(2026, 11, 10))[school_id]
        row = next(x for x in found.people if x.user_id == p.trustee.pk)
        assert found.cell(row, r).status == DONE


@pytest.mark.django_db
def test_signature_requirement_falls_due_when_a_new_version_is_published(personas):
    p = personas
    policy = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=["staff"]
    )
    with time_machine.travel(datetime.datetime(2026, 9, 2, 9), tick=False):
        first = published(policy, p.headteacher, "Version one", approver=p.trustee)
        agreements.sign(
            version=first, signer=p.teacher, subject=p.teacher, typed_name=p.teacher.full_name
        )
    read = requirement(
        p.school,
        title="Read the policy",
        evidence=Evidence.SIGNATURE,
        document=policy,
        renew_months=None,
        by=p.headteacher,
    )

    def teacher_cell(today):
        found = school_standings([p.school.pk], today)[p.school.pk]
        row = next(x for x in found.people if x.user_id == p.teacher.pk)
        return found.cell(row, read)

    assert teacher_cell(D(2026, 10, 1)).status == DONE
    with time_machine.travel(datetime.datetime(2026, 10, 5, 9), tick=False):
        second = published(policy, p.headteacher, "Version two", approver=p.trustee)
    cell = teacher_cell(D(2026, 10, 6))
    assert (cell.status, cell.due_on) == (DUE, D(2026, 11, 4))
    assert teacher_cell(D(2026, 11, 5)).status == OVERDUE
    with time_machine.travel(datetime.datetime(2026, 11, 6, 9), tick=False):
        agreements.sign(
            version=second, signer=p.teacher, subject=p.teacher, typed_name=p.teacher.full_name
        )
    assert teacher_cell(D(2026, 11, 6)).status == DONE


@pytest.mark.django_db
def test_new_starters_only_leaves_out_people_who_joined_before():
    school = SchoolFactory()
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9), tick=False):
        only_new = requirement(school, new_starters_only=True, induction_days=10)
    old = person(school, Role.STAFF, started_on=D(2025, 9, 1))
    new = person(school, Role.STAFF, started_on=D(2026, 10, 1))
    found = school_standings([school.pk], D(2026, 10, 2))[school.pk]
    assert [x.user_id for x, _ in found.for_requirement(only_new)] == [new.pk]
    assert old.pk in {x.user_id for x in found.people}


@pytest.mark.django_db
def test_a_document_signed_every_school_year_falls_due_from_the_new_year_not_before(personas):
    """The staff AUP is signed again each school year: last year's signature stops counting
    on 1 September, and the requirement is due 30 days later, not overdue since the
    version was published years ago."""
    p = personas
    aup = Document.objects.create(
        school=p.school,
        kind=Kind.STAFF_AUP,
        title="Staff AUP",
        audience_roles=["staff"],
        renew_every_year=True,
    )
    with time_machine.travel(datetime.datetime(2025, 9, 10, 9), tick=False):
        version = published(aup, p.headteacher, "Use the systems for work.", approver=p.trustee)
        agreements.sign(
            version=version, signer=p.teacher, subject=p.teacher, typed_name=p.teacher.full_name
        )
    read = requirement(
        p.school, title="Staff AUP", evidence=Evidence.SIGNATURE, document=aup, renew_months=None
    )

    def teacher_cell(today):
        found = school_standings([p.school.pk], today)[p.school.pk]
        row = next(x for x in found.people if x.user_id == p.teacher.pk)
        return found.cell(row, read)

    assert teacher_cell(D(2026, 8, 31)).status == DONE
    new_year = teacher_cell(D(2026, 9, 2))
    assert (new_year.status, new_year.due_on) == (DUE, D(2026, 10, 1))
    assert teacher_cell(D(2026, 10, 2)).status == OVERDUE
