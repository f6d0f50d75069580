"""The self-review's PDF summary for the trustees' meeting: each aspect's level beside
last year's and the records' evidence, the action plan with owners as roles (unless a
school lead asks), and the two signatures."""

from esafety.pdf import render_pdf

from .framework import LEVELS
from .selectors import aspect_rows, plan


def review_pdf(review, *, names: bool = False) -> bytes:
    return render_pdf(
        "selfreview/review_pdf.html",
        {
            "review": review,
            "rows": aspect_rows(review),
            "actions": plan(review, names=names),
            "levels": LEVELS,
            "names": names,
        },
        school=review.school,
        title=f"Online-safety self-review {review.year}",
    )
