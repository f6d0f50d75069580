"""The dashboard's board, kept while its figures are fresh.

Building a trust's board reads every figure of every school and draws the charts: more
than the rest of the page together. It reads nothing but figures (a test checks that a
second build sends no query), so a copy is exactly as fresh as they are: it is kept until
one of them goes stale in one of its schools, the day ends, or BOARD_KEPT_SECONDS pass.
The key holds everything else the board shows: the schools (and their names), the
period, how the reader sees figures (suppression, exact numbers, links) and the date."""

from esafety.figures import cached_while_fresh, registered_figures

from .board import Board, Reader, build

BOARD_KEPT_SECONDS = 5 * 60


def kept_board(*, schools, school, period, reader: Reader, today, trust_schools=()) -> Board:
    """`trust_schools`: the trust's, when a trustee looks at one school (its charts too small
    to draw are drawn for the trust, so the copy follows their figures too)."""
    wide = list(trust_schools) if reader.hides_small and school is not None else []
    what = "governance.board|" + repr(
        (
            [(s.pk, s.name, s.slug) for s in schools],
            [s.pk for s in wide],
            school.pk if school else None,
            (period.key, period.months, period.start, period.end),
            reader,
            today.isoformat(),
        )
    )
    return cached_while_fresh(
        what,
        lambda: build(
            schools=schools,
            school=school,
            period=period,
            reader=reader,
            today=today,
            trust_schools=wide,
        ),
        follows=registered_figures(),
        school_ids=sorted({s.pk for s in [*schools, *wide]}),
        timeout=BOARD_KEPT_SECONDS,
    )
