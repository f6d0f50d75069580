"""Reads for the self-review's pages and PDF: each aspect with its rating, last year's
level, the records' evidence and any flag; action owners as names or roles; the trust's
schools side by side. A fixed number of queries whatever the size of the school."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from esafety.roles import role_labels

from .evidence import Evidence, evidence_for
from .framework import ASPECTS, BY_KEY, LEVELS, Aspect
from .models import ActionItem, Rating, SelfReview


@dataclass
class AspectRow:
    aspect: Aspect
    rating: Rating | None
    last_year: int | None
    evidence: Evidence
    flag: str

    @property
    def level(self):
        return self.rating.level if self.rating else None

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, "Not rated yet")

    @property
    def descriptor(self) -> str:
        return self.aspect.descriptor(self.level)

    @property
    def change(self) -> str:
        if self.level is None or self.last_year is None:
            return ""
        diff = self.level - self.last_year
        return "Same as last year" if diff == 0 else f"{'Up' if diff > 0 else 'Down'} {abs(diff)}"


def last_year_of(review: SelfReview) -> SelfReview | None:
    return (
        SelfReview.objects.filter(
            school_id=review.school_id,
            year_start__lt=review.year_start,
            head_signed_at__isnull=False,  # a draft never signed is not a level to compare
        )
        .order_by("-year_start")
        .first()
    )


def aspect_rows(review: SelfReview, *, today=None) -> list[AspectRow]:
    """Each aspect in the framework's order. A signed review shows the evidence kept when
    the headteacher signed; a draft, what the records say today."""
    ratings = {r.aspect: r for r in review.ratings.all()}
    previous = last_year_of(review)
    last_levels = (
        dict(previous.ratings.values_list("aspect", "level")) if previous is not None else {}
    )
    live = None if review.is_frozen else evidence_for([review.school_id], today)[review.school_id]
    rows = []
    for aspect in ASPECTS:
        rating = ratings.get(aspect.key)
        if live is not None:
            evidence = live[aspect.key]
            flag = evidence.flag(rating.level if rating else None)
        else:
            kept = (rating.evidence_at_signing if rating else None) or {}
            evidence, flag = Evidence.from_data(kept), kept.get("flag", "")
        rows.append(AspectRow(aspect, rating, last_levels.get(aspect.key), evidence, flag))
    return rows


def plan(review: SelfReview, *, names: bool, today=None) -> list[ActionItem]:
    """The action plan, each with `owner_label`: the name for the school's leads, the role
    for everyone else."""
    today = today or timezone.localdate()
    actions = list(review.actions.select_related("owner"))
    roles = {} if names else role_labels((review.school_id, a.owner_id) for a in actions)
    for action in actions:
        action.owner_label = (
            action.owner.full_name if names else roles[(review.school_id, action.owner_id)]
        )
        action.overdue = action.is_overdue(today)
        action.aspect_title = BY_KEY[action.aspect].title if action.aspect in BY_KEY else ""
    return actions


@dataclass
class SchoolYears:
    school: object
    this_year: SelfReview | None
    last_year: SelfReview | None


def levels_table(schools, *, today=None, signed_only=False) -> tuple[list, list]:
    """Each school's review for this academic year and last, and for each aspect a row
    of (this year's level, last year's level) per school. Two queries for all schools.
    With `signed_only` (trustees), a review counts once the headteacher has signed it."""
    today = today or timezone.localdate()
    starts = {s.pk: s.academic_year_start(today) for s in schools}
    last_starts = {pk: _year_before(start) for pk, start in starts.items()}
    reviews = SelfReview.objects.filter(
        school_id__in=starts, year_start__in={*starts.values(), *last_starts.values()}
    )
    if signed_only:
        reviews = reviews.filter(head_signed_at__isnull=False)
    found = {(r.school_id, r.year_start): r for r in reviews}
    levels: dict[int, dict[str, int]] = {}
    for review_id, aspect, level in Rating.objects.filter(
        review__in=list(found.values())
    ).values_list("review_id", "aspect", "level"):
        levels.setdefault(review_id, {})[aspect] = level
    columns = [
        SchoolYears(s, found.get((s.pk, starts[s.pk])), found.get((s.pk, last_starts[s.pk])))
        for s in schools
    ]
    rows = []
    for aspect in ASPECTS:
        cells = []
        for column in columns:
            now = levels.get(column.this_year.pk, {}).get(aspect.key) if column.this_year else None
            before = (
                levels.get(column.last_year.pk, {}).get(aspect.key) if column.last_year else None
            )
            cells.append((now, before))
        rows.append((aspect, cells))
    return columns, rows


def _year_before(start: datetime.date) -> datetime.date:
    try:
        return start.replace(year=start.year - 1)
    except ValueError:
        return start.replace(year=start.year - 1, day=28)
