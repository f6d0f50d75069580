"""The core's own figures (see figures.py): how many people each school has, by role."""

from django.db.models import Count, Q

from .figures import figure
from .models import STAFF_ROLES, Membership, Role


@figure("esafety.people", stale_on={Membership: "school_id"})
def people(school_ids, today) -> dict[int, dict]:
    """People in force today per school: everyone, pupils, staff and parents. One GROUP BY
    over the schools' memberships; nobody's name is read."""
    zero = {"people": 0, "pupils": 0, "staff": 0, "parents": 0}
    counts = {school_id: dict(zero) for school_id in school_ids}
    rows = (
        Membership.objects.active(today)
        .filter(school_id__in=school_ids)
        .values("school_id")
        .annotate(
            people=Count("user_id", distinct=True),
            pupils=Count("user_id", distinct=True, filter=Q(role=Role.PUPIL)),
            staff=Count("user_id", distinct=True, filter=Q(role__in=STAFF_ROLES)),
            parents=Count("user_id", distinct=True, filter=Q(role=Role.PARENT)),
        )
        .order_by()
    )
    for row in rows:
        counts[row.pop("school_id")] = row
    return counts
