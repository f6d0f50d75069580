"""The figures count in the database (training/counting.py) exactly what the matrix shows
person by person (training/status.py), on data with every kind of requirement and person,
on days where a record crosses from done to due to overdue, at month ends and in a leap
year."""

import datetime
import random

import pytest
import time_machine

from agreements import services as agreements
from agreements.models import Document, Kind
from agreements.tests.factories import published
from esafety.models import Membership, Role, StaffType, TrusteeMembership
from esafety.testing import person
from training.counting import STAFF, TRUSTEES, counted
from training.models import Evidence, TrainingRecord, add_months
from training.standard import install_standard_requirements
from training.status import school_standings
from training.tests.factories import requirement

D = datetime.date
pytestmark = pytest.mark.django_db


def by_person(school_ids, today) -> dict:
    """The same counts, one standing at a time."""
    found = {}
    for standings in school_standings(school_ids, today).values():
        for req in standings.requirements:
            for p, cell in standings.for_requirement(req):
                group = TRUSTEES if p.is_trustee and not p.roles else STAFF
                row = found.setdefault((req.pk, group), {"required": 0})
                row["required"] += 1
                row[cell.status] = row.get(cell.status, 0) + 1
    return found


def in_sql(school_ids, today) -> dict:
    _, counts = counted(school_ids, today)
    return {
        key: {k: v for k, v in vars(c).items() if v or k == "required"} for key, c in counts.items()
    }


@pytest.fixture
def trust_with_everything(personas):
    p = personas
    school, other = p.school, p.other_school
    rng = random.Random(14)
    with time_machine.travel(datetime.datetime(2025, 9, 1, 9), tick=False):
        for s in (school, other):
            install_standard_requirements(s, by=p.headteacher)
        requirement(school, title="Monthly", renew_months=1)
        requirement(school, title="Two-yearly induction", renew_months=24, induction_days=20)
        requirement(school, title="Once", renew_months=None, induction_days=10)
        requirement(school, title="Once, no induction", renew_months=None)
        requirement(
            school,
            title="TAs",
            audience_roles=["staff"],
            audience_staff_types=["teaching_assistant"],
        )
        requirement(school, title="Trustees", audience_roles=["trustee"], escalate=True)
        requirement(other, title="Other school's", renew_months=6, induction_days=5)
        aup = Document.objects.create(
            school=school,
            kind=Kind.STAFF_AUP,
            title="AUP",
            audience_roles=["staff"],
            renew_every_year=True,
        )
        version = published(aup, p.headteacher, "Use the systems well.", approver=p.trustee)
        draft = Document.objects.create(
            school=school, kind=Kind.POLICY, title="Draft", audience_roles=["staff"]
        )
    with time_machine.travel(datetime.datetime(2027, 1, 10, 9), tick=False):
        requirement(school, title="New starters", new_starters_only=True, induction_days=30)
    requirement(school, title="Sign the AUP", evidence=Evidence.SIGNATURE, document=aup)
    requirement(school, title="Sign the draft", evidence=Evidence.SIGNATURE, document=draft)
    both = person(school, Role.STAFF, staff_type=StaffType.TEACHER, started_on=D(2026, 3, 1))
    TrusteeMembership.objects.create(user=both, trust=school.trust, started_on=D(2020, 1, 1))
    person(school, Role.STAFF, staff_type=StaffType.TEACHING_ASSISTANT, started_on=D(2027, 2, 1))
    person(school, Role.STAFF, staff_type=StaffType.VOLUNTEER, started_on=D(2026, 12, 1))
    two_roles = person(school, Role.TECHNICIAN, started_on=D(2024, 1, 31))
    Membership.objects.create(
        user=two_roles,
        school=school,
        role=Role.STAFF,
        staff_type="teaching_assistant",
        started_on=D(2026, 1, 1),
    )
    person(school, Role.STAFF, started_on=D(2020, 1, 1), ended_on=D(2026, 1, 1))  # a leaver
    gone = person(school, Role.STAFF, started_on=D(2020, 1, 1))
    gone.is_active = False
    gone.save()
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9), tick=False):
        agreements.sign(version=version, signer=both, subject=both, typed_name=both.full_name)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9), tick=False):
        agreements.sign(
            version=version, signer=p.teacher, subject=p.teacher, typed_name=p.teacher.full_name
        )
    people = [p.headteacher, p.esafety_officer, p.technician, p.teacher, p.trustee, p.chair]
    people += [both, two_roles, p.other_school_teacher, p.other_school_headteacher]
    from training.models import Requirement

    records = []
    edges = [D(2026, 1, 31), D(2026, 2, 28), D(2026, 2, 1), D(2026, 12, 15), D(2027, 2, 28)]
    for req in Requirement.objects.exclude(evidence=Evidence.SIGNATURE):
        for who in people:
            some_day = D(2025, 1, 1) + datetime.timedelta(rng.randint(0, 900))
            for day in [*rng.sample(edges, 2), some_day]:
                if rng.random() < 0.6:
                    records.append(
                        TrainingRecord(
                            school=req.school,
                            person=who,
                            requirement=req,
                            title=req.title,
                            completed_on=day,
                            recorded_by=who,
                        )
                    )
    TrainingRecord.objects.bulk_create(records, ignore_conflicts=True)
    return p


def crossings():
    """Days on which a record of one of the edge days turns due or overdue, a day either
    side, and the leap day."""
    days = {D(2028, 2, 29), D(2027, 1, 1), D(2026, 9, 1)}
    for done in (D(2026, 1, 31), D(2026, 2, 28), D(2026, 12, 15), D(2027, 2, 28)):
        for months in (1, 12, 24):
            expires = add_months(done, months)
            for edge in (expires, expires - datetime.timedelta(days=30)):
                days |= {edge + datetime.timedelta(days=k) for k in (-1, 0, 1)}
    return sorted(days)


def test_counts_in_the_database_equal_the_matrix_on_every_crossing_day(trust_with_everything):
    p = trust_with_everything
    schools = [p.school.pk, p.other_school.pk]
    for today in crossings():
        assert in_sql(schools, today) == by_person(schools, today), today


def test_one_school_counted_alone_counts_as_with_the_trust(trust_with_everything):
    p = trust_with_everything
    today = D(2027, 3, 1)
    alone = in_sql([p.other_school.pk], today)
    together = in_sql([p.school.pk, p.other_school.pk], today)
    assert alone and all(together[key] == value for key, value in alone.items())
