"""Training figures per school, for the home panels and the trustees' pages (see
esafety/figures.py): counts and percentages, never names."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from esafety.figures import figure
from esafety.models import Membership, School, TrusteeMembership

from .counting import STAFF, TRUSTEES, Counts, counted
from .models import ParentSession, Requirement, TrainingRecord
from .status import schools_counting


@dataclass
class RequirementFigures:
    requirement_id: int
    title: str
    escalate: bool
    required: int = 0
    done: int = 0
    due: int = 0
    overdue: int = 0
    missing: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.required) if self.required else None

    @property
    def at_risk(self) -> int:
        return self.due + self.overdue + self.missing


@dataclass
class Compliance:
    requirements: list = field(default_factory=list)
    unverified: int = 0

    @property
    def overdue(self) -> int:
        return sum(r.overdue + r.missing for r in self.requirements)

    @property
    def leadership_at_risk(self) -> list:
        return [r for r in self.requirements if r.escalate and r.at_risk]


def _trust_schools(instance_trust_id):
    return set(School.objects.filter(trust_id=instance_trust_id).values_list("pk", flat=True))


def _record_schools(record):
    return schools_counting(record.school, [record.person_id])


# What training.compliance and training.by_group are both counted from (training/
# counting.py): one list, so a change that makes one stale makes both.
COUNTED_FROM = {
    Requirement: "school_id",
    TrainingRecord: _record_schools,
    Membership: "school_id",
    TrusteeMembership: lambda t: _trust_schools(t.trust_id),
    "agreements.Signature": "version__document__school_id",
    "agreements.Version": "document__school_id",
    # Whether a signature is renewed each year; its title, on a person's training due.
    "agreements.Document": "school_id",
}


@figure("training.compliance", stale_on=COUNTED_FROM)
def compliance(school_ids, today) -> dict[int, Compliance]:
    """Per requirement: how many must have it and how many are done, due, overdue or
    missing (counted in the database: training/counting.py); and records waiting to be
    verified."""
    requirements, counts = counted(school_ids, today)
    unverified = dict(
        TrainingRecord.objects.filter(
            school_id__in=school_ids, completed_on__isnull=False, verified_at__isnull=True
        )
        .values_list("school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = {school_id: [] for school_id in school_ids}
    for requirement in requirements:
        row = RequirementFigures(requirement.pk, requirement.title, requirement.escalate)
        for group in (STAFF, TRUSTEES):
            found = counts.get((requirement.pk, group), Counts())
            for name in ("required", "done", "due", "overdue", "missing"):
                setattr(row, name, getattr(row, name) + getattr(found, name))
        rows[requirement.school_id].append(row)
    return {s: Compliance(rows[s], unverified.get(s, 0)) for s in school_ids}


@figure("training.parent_sessions", stale_on={ParentSession: "school_id"})
def parent_sessions(school_ids, today) -> dict[int, list]:
    """Per academic year (newest first): sessions held and parents reached."""
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids)}
    rows = (
        ParentSession.objects.filter(school_id__in=school_ids, starts_at__date__lte=today)
        .annotate(named=Count("attendees"))
        .values_list("school_id", "starts_at", "attendance_count", "named")
    )
    years: dict[int, dict] = {s: {} for s in school_ids}
    for school_id, starts_at, count, named in rows:
        start = schools[school_id].academic_year_start(timezone.localdate(starts_at))
        label = f"{start.year}–{str(start.year + 1)[2:]}"
        held, reached = years[school_id].get(label, (0, 0))
        years[school_id][label] = (held + 1, reached + (count if count is not None else named))
    return {
        s: [(label, *years[s][label]) for label in sorted(years[s], reverse=True)]
        for s in school_ids
    }


def school_year_label(start) -> str:
    """How parents' sessions name a school year: "2026–27" for one starting in 2026."""
    return f"{start.year}–{str(start.year + 1)[2:]}"


# --- the curriculum map in figures (read by the yearly self-review's evidence) ---------------


@figure("training.curriculum", stale_on={"training.Lesson": "school_id"})
def curriculum(school_ids, today) -> dict[int, dict]:
    """Online-safety lessons since each school's academic year began: how many, and which
    of the eight UKCIS strands they covered. One query for the schools, one GROUP BY."""
    from .models import Lesson, Strand

    starts = {s.pk: s.academic_year_start(today) for s in School.objects.filter(pk__in=school_ids)}
    earliest = min(starts.values(), default=today)
    rows = (
        Lesson.objects.filter(
            school_id__in=school_ids, taught_on__gte=earliest, taught_on__lte=today
        )
        .values("school_id", "strand", "taught_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = {s: {"lessons": 0, "strands": [], "of": len(Strand)} for s in school_ids}
    for row in rows:
        if row["taught_on"] < starts.get(row["school_id"], earliest):
            continue
        found = result[row["school_id"]]
        found["lessons"] += row["n"]
        if row["strand"] not in found["strands"]:
            found["strands"].append(row["strand"])
    for found in result.values():
        found["strands"].sort()
    return result


# --- governance: compliance per requirement, staff and trustees apart (appended) ---


@figure("training.by_group", stale_on=COUNTED_FROM)
def by_group(school_ids, today) -> dict[int, list]:
    """Per requirement, how many staff and how many trustees must have it and how many are
    done (training/status.py decides who must have what; counted in the database by
    training/counting.py): `[(title, {"staff": (required, done), "trustees": (required,
    done)})]`. Someone who is staff and trustee counts as staff."""
    requirements, counts = counted(school_ids, today)
    result = {school_id: [] for school_id in school_ids}
    for requirement in requirements:
        groups = {}
        for group in (STAFF, TRUSTEES):
            found = counts.get((requirement.pk, group), Counts())
            groups[group] = (found.required, found.done)
        result[requirement.school_id].append((requirement.title, groups))
    return result
