"""The online-safety curriculum map: lessons taught against the eight strands of UKCIS
"Education for a Connected World", by year group, this academic year; the gaps show."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from esafety.models import YEAR_GROUP_CHOICES, Membership, Role
from esafety.roles import allowed
from esafety.services import attributed

from .models import Lesson, Strand
from .services import check_date


@transaction.atomic
def record_lesson(*, lesson: Lesson, by) -> Lesson:
    """Record a lesson taught. When it carries out an action on an incident (the education
    response), the action is marked done through the incidents app, naming the lesson."""
    check_date(lesson.taught_on, "taught_on")
    action = lesson.incident_action
    if action is not None:
        if action.kind != "action" or action.incident.school_id != lesson.school_id:
            raise ValidationError({"incident_action": "Choose an action of this school."})
        if not allowed(by, "incidents.complete_action", action):
            raise ValidationError({"incident_action": "That action is not yours to complete."})
        lesson.incident = action.incident
    if lesson.incident_id and lesson.incident.school_id != lesson.school_id:
        raise ValidationError({"incident": "Choose an incident of this school."})
    if lesson.teacher_id is None:
        lesson.teacher = by
    attributed(lesson, by).save()
    if action is not None:
        from incidents.services import complete_action

        complete_action(entry=action, by=by, note=lesson_summary(lesson))
    return lesson


def lesson_summary(lesson: Lesson) -> str:
    """One line naming a lesson (no pupils): what a completed incident action says."""
    group = lesson.get_year_group_display() + (
        f" ({lesson.class_name})" if lesson.class_name else ""
    )
    return (
        f"Online-safety lesson taught {lesson.taught_on:%-d %B %Y} to {group}: "
        f"{lesson.get_strand_display()}, {lesson.topic}."
    )


def school_year_groups(school, on=None) -> list[int]:
    """The year groups the school has pupils in."""
    years = (
        Membership.objects.active(on)
        .filter(school=school, role=Role.PUPIL, year_group__isnull=False)
        .values_list("year_group", flat=True)
        .distinct()
    )
    return sorted(set(years))


@dataclass
class Grid:
    year_groups: list  # (year group, label)
    strands: list  # Strand
    counts: dict  # (year group, strand) -> lessons
    since: datetime.date

    def rows(self):
        return [
            (label, [(s, self.counts.get((year, s.value), 0)) for s in self.strands])
            for year, label in self.year_groups
        ]

    @property
    def gaps(self) -> int:
        return sum(
            1
            for y, _ in self.year_groups
            for s in self.strands
            if not self.counts.get((y, s.value))
        )


def coverage_grid(school, today) -> Grid:
    """Lessons per year group and strand since the academic year began: one GROUP BY."""
    since = school.academic_year_start(today)
    rows = (
        Lesson.objects.filter(school=school, taught_on__gte=since, taught_on__lte=today)
        .values("year_group", "strand")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(r["year_group"], r["strand"]): r["n"] for r in rows}
    years = set(school_year_groups(school, today)) | {y for y, _ in counts}
    labels = dict(YEAR_GROUP_CHOICES)
    return Grid([(y, labels[y]) for y in sorted(years)], list(Strand), counts, since)
