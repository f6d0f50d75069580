"""The self-review's figures (see esafety/figures.py): levels and action-plan progress per
school, never names. For the home panel here and the governance dashboard.

- "selfreview.levels": a `Levels` per school: `this_year` and `last_year`, each
  {"year": "2026–27", "stage": "none" | "draft" | "head_signed" | "signed",
   "levels": {aspect key: 1..5}} (levels rated so far, a draft's too: a reader that must
  show only signed levels checks "stage"), and `aspects`: [(key, title), ...] in the
  framework's order. `as_dashboard()`: {aspect title: level} of the latest review the
  headteacher has signed (this year's, else last year's; None where not rated).
- "selfreview.actions": an `ActionProgress` per school: the action plan of its latest
  review (`year`, `total`, `done`, `open` (the overdue included), `overdue`), and
  `overdue_all`: overdue actions of any year's plan. `as_dashboard()`: {"Done", "Not yet
  due", "Overdue"}.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from esafety.figures import figure
from esafety.models import School

from .framework import ASPECTS
from .models import ActionItem, Rating, SelfReview, year_label
from .selectors import _year_before

ASPECT_TITLES = [(a.key, a.title) for a in ASPECTS]
SIGNED_STAGES = ("head_signed", "signed")


@dataclass
class Levels:
    this_year: dict
    last_year: dict
    aspects: list = field(default_factory=lambda: list(ASPECT_TITLES))

    def latest_signed(self) -> dict | None:
        for year in (self.this_year, self.last_year):
            if year["stage"] in SIGNED_STAGES:
                return year
        return None

    def as_dashboard(self) -> dict:
        year = self.latest_signed()
        levels = year["levels"] if year else {}
        return {title: levels.get(key) for key, title in self.aspects}


@dataclass
class ActionProgress:
    year: str | None = None
    total: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    overdue_all: int = 0

    def as_dashboard(self) -> dict:
        return {"Done": self.done, "Not yet due": self.open - self.overdue, "Overdue": self.overdue}


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
        result[school_id] = Levels(
            this_year=_year(start, reviews.get((school_id, start)), found),
            last_year=_year(last, reviews.get((school_id, last)), found),
        )
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
    result = {s: ActionProgress(latest[s].year if s in latest else None) for s in school_ids}
    for row in rows:
        found = result[row["review__school_id"]]
        found.overdue_all += row["overdue"]
        review = latest.get(row["review__school_id"])
        if review is not None and review.pk == row["review_id"]:
            found.total, found.done = row["total"], row["done"]
            found.open, found.overdue = row["total"] - row["done"], row["overdue"]
    return result
