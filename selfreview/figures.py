"""The self-review's figures (see esafety/figures.py): levels and action-plan progress per
school, never names. For the home panel here and the governance dashboard.

- "selfreview.levels": {"this_year": Year, "last_year": Year} where Year is
  {"year": "2026–27", "stage": "none" | "draft" | "head_signed" | "signed",
   "levels": {aspect key: 1..5}} (levels rated so far; a draft's too, so a reader that
  must show only signed levels checks "stage"), and "aspects": [(key, title), ...] in the
  framework's order.
- "selfreview.actions": the action plan of the school's latest review:
  {"year": "2026–27" | None, "total", "done", "open", "overdue"} (open counts the overdue
  too), and "overdue_all": overdue actions of any year's plan.
"""

from django.db.models import Count, Q

from esafety.figures import figure
from esafety.models import School

from .framework import ASPECTS
from .models import ActionItem, Rating, SelfReview, year_label
from .selectors import _year_before

ASPECT_TITLES = [(a.key, a.title) for a in ASPECTS]


def _year(start, review, levels) -> dict:
    return {
        "year": year_label(start),
        "stage": review.stage if review else "none",
        "levels": dict(levels.get(review.pk, {})) if review else {},
    }


@figure(
    "selfreview.levels",
    stale_on={SelfReview: "school_id", Rating: "review__school_id"},
)
def levels(school_ids, today) -> dict[int, dict]:
    """Three queries for all schools: the schools, their reviews of the two years, the
    ratings."""
    starts = {s.pk: s.academic_year_start(today) for s in School.objects.filter(pk__in=school_ids)}
    before = {pk: _year_before(start) for pk, start in starts.items()}
    reviews = {
        (r.school_id, r.year_start): r
        for r in SelfReview.objects.filter(
            school_id__in=school_ids, year_start__in={*starts.values(), *before.values()}
        )
    }
    found: dict[int, dict] = {}
    ratings = Rating.objects.filter(review__in=list(reviews.values()))
    for review_id, aspect, level in ratings.values_list("review_id", "aspect", "level"):
        found.setdefault(review_id, {})[aspect] = level
    result = {}
    for school_id in school_ids:
        start, last = starts[school_id], before[school_id]
        result[school_id] = {
            "this_year": _year(start, reviews.get((school_id, start)), found),
            "last_year": _year(last, reviews.get((school_id, last)), found),
            "aspects": ASPECT_TITLES,
        }
    return result


@figure(
    "selfreview.actions",
    stale_on={ActionItem: "review__school_id", SelfReview: "school_id"},
)
def actions(school_ids, today) -> dict[int, dict]:
    """Two queries for all schools."""
    latest = {}
    for review in SelfReview.objects.filter(school_id__in=school_ids).order_by(
        "school_id", "-year_start"
    ):
        latest.setdefault(review.school_id, review)
    overdue = Q(done_on__isnull=True, due_on__lt=today)
    rows = (
        ActionItem.objects.filter(review__school_id__in=school_ids)
        .values("review_id", "review__school_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_on__isnull=False)),
            overdue=Count("pk", filter=overdue),
        )
        .order_by()
    )
    result = {
        s: {
            "year": latest[s].year if s in latest else None,
            "total": 0,
            "done": 0,
            "open": 0,
            "overdue": 0,
            "overdue_all": 0,
        }
        for s in school_ids
    }
    for row in rows:
        found = result[row["review__school_id"]]
        found["overdue_all"] += row["overdue"]
        review = latest.get(row["review__school_id"])
        if review is not None and review.pk == row["review_id"]:
            found.update(
                total=row["total"],
                done=row["done"],
                open=row["total"] - row["done"],
                overdue=row["overdue"],
            )
    return result
