"""Reads that are more than a line: my training, the matrix rows, lists for the pages."""

from dataclasses import dataclass

from esafety.models import STAFF_ROLES
from esafety.roles import access_for, schools_with_roles

from .figures import school_year_label
from .models import TrainingRecord
from .status import STATUS_ORDER, school_standings


def training_school_ids(user) -> set[int]:
    """Where this person's training is required: schools they work at, their trusts'."""
    return schools_with_roles(user, STAFF_ROLES) | set(access_for(user).trust_school_ids)


def my_standings(user, today) -> list[tuple]:
    """(school, requirement, standing) for everything this person must have, the most
    pressing first. Training shared across the trust (one code) is listed once."""
    found = school_standings(training_school_ids(user), today, user_id=user.pk)
    rows, seen = [], set()
    for standings in sorted(found.values(), key=lambda s: s.school.name):
        for person in standings.people:
            for requirement in standings.requirements:
                cell = standings.cell(person, requirement)
                if cell is None or (requirement.code and requirement.code in seen):
                    continue
                if requirement.code:
                    seen.add(requirement.code)
                rows.append((standings.school, requirement, cell))
    return sorted(rows, key=lambda r: (STATUS_ORDER.index(r[2].status), r[1].title))


def my_records(user):
    return (
        TrainingRecord.objects.filter(person=user)
        .select_related("requirement", "school", "verified_by", "cpd_request")
        .order_by("completed_on", "-due_on", "-pk")
        .reverse()
    )


def matrix_rows(standings, *, role="", staff_type="", status=""):
    """The matrix's people with their cells in requirement order, filtered."""
    rows = []
    for person in standings.people:
        if role == "trustee" and not person.is_trustee:
            continue
        if role and role != "trustee" and role not in person.roles:
            continue
        if staff_type and staff_type not in person.staff_types:
            continue
        cells = [standings.cell(person, r) for r in standings.requirements]
        if status and not any(c is not None and c.status == status for c in cells):
            continue
        rows.append((person, cells))
    return rows


@dataclass
class SchoolSummary:
    """One school's training at a glance, from its cached figures: no names."""

    school: object
    required: int
    done: int
    overdue: int  # overdue or missing
    leadership_at_risk: int
    sessions_this_year: tuple  # (held, parents reached)

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.required) if self.required else None


def school_summaries(schools, compliance, sessions, today) -> list[SchoolSummary]:
    """Per school: the share of everything required that is in date, what is overdue or
    missing, leadership duties at risk, and this school year's parents' sessions."""
    rows = []
    for school in schools:
        figures = compliance[school.pk]
        start = school.academic_year_start(today)
        this_year = school_year_label(start)
        held = next(((h, r) for label, h, r in sessions[school.pk] if label == this_year), (0, 0))
        rows.append(
            SchoolSummary(
                school=school,
                required=sum(r.required for r in figures.requirements),
                done=sum(r.done for r in figures.requirements),
                overdue=figures.overdue,
                leadership_at_risk=sum(r.at_risk for r in figures.leadership_at_risk),
                sessions_this_year=held,
            )
        )
    return rows
