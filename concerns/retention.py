"""How long the low-level concerns log keeps a concern, as data for the core's retention
review (found by esafety/retention/registry.py's autodiscovery). KCSIE 2025 (Part 4,
section 2): low-level concern records are kept at least until the person leaves the
school's employment; the school's period (a year at least) runs on from the day they
left. Someone still working at the school is never listed. Only concerns the reviewer
may open (`visible_to`): never, for a headteacher, one about a headteacher."""

from django.db.models import Max

from esafety.models import STAFF_ROLES, Membership
from esafety.retention.registry import Candidate, RetentionRule, add_years, register_rule

from .models import LowLevelConcern


def _left_on(school, people) -> dict:
    """Each person's last day at the school; absent for anyone still working there."""
    staff = Membership.objects.filter(school=school, role__in=STAFF_ROLES, user__in=people)
    still = set(staff.active().values_list("user_id", flat=True))
    ended = staff.filter(ended_on__isnull=False).values("user_id").annotate(last=Max("ended_on"))
    return {row["user_id"]: row["last"] for row in ended if row["user_id"] not in still}


def low_level(*, school, viewer, years, today):
    concerns = list(
        LowLevelConcern.objects.visible_to(viewer).filter(school=school).order_by("reported_at")
    )
    left = _left_on(school, {c.about_id for c in concerns})
    found = []
    for concern in concerns:
        if concern.about_id not in left:
            continue
        keep_until = add_years(left[concern.about_id], years)
        if keep_until <= today:
            found.append(
                Candidate(
                    record=concern,
                    keep_until=keep_until,
                    occurred_on=concern.happened_on or concern.reported_at.date(),
                    reference=concern.number,
                    title=f"{concern.number} (about {concern.about})",
                    people=frozenset({concern.about_id}),
                )
            )
    return found


register_rule(
    RetentionRule(
        key="concerns.low_level",
        label="Low-level concerns about adults",
        kind="Low-level concern",
        source=(
            "KCSIE 2025 Part 4 section 2: records of low-level concerns are kept at least "
            "until the individual leaves the school's employment; here at least a year after "
            "that (a reference may be asked for), longer where the school's policy says."
        ),
        minimum_years=1,
        starts="from the day the person left the school",
        model="concerns.LowLevelConcern",
        candidates=low_level,
        order=25,
        notes="A concern about someone still working at the school is never listed.",
    )
)
