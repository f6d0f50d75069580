"""How long training records are kept, as data for the core's retention review (found
by esafety/retention/registry.py's autodiscovery): the school's schedule, 6 years from
the training by default. Planned training not yet done is never listed."""

from esafety.retention.registry import Candidate, RetentionRule, add_years, register_rule

from .models import TrainingRecord


def records(*, school, viewer, years, today):
    rows = (
        TrainingRecord.objects.visible_to(viewer)
        .filter(school=school, completed_on__isnull=False)
        .select_related("person")
    )
    return [
        Candidate(
            record=row,
            keep_until=add_years(row.completed_on, years),
            occurred_on=row.completed_on,
            reference=f"TR-{row.pk}",
            title=f"{row.title}: {row.person}",
            people=frozenset({row.person_id}),
        )
        for row in rows
    ]


register_rule(
    RetentionRule(
        key="training.records",
        label="Training records",
        kind="Training record",
        source=(
            "The school's schedule: KCSIE 2025 expects the school to show who was trained "
            "and when; the IRMS Information Management Toolkit for Schools and the "
            "Limitation Act 1980 suggest 6 years after the training."
        ),
        minimum_years=6,
        starts="from the date of the training",
        model="training.TrainingRecord",
        candidates=records,
        order=90,
    )
)
