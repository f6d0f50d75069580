"""The dashboard's board, kept while its figures are fresh.

Building a trust's board reads every figure of every school and draws the charts: more
than the rest of the page together. It reads nothing but figures (a test checks that a
second build sends no query), so a copy shows what they show: it is kept until new values
of them are kept for one of its schools (stale while they are served stale, and built
again once the worker has counted them), the day ends, or BOARD_KEPT_SECONDS pass.
The key holds everything else the board shows: the schools (and their names), the
period, how the reader sees figures (suppression, exact numbers, links) and the date."""

from esafety.figures import cached_while_fresh, registered_figures

from .board import Board, Reader, build

BOARD_KEPT_SECONDS = 5 * 60


def kept_board(*, schools, school, period, reader: Reader, today) -> Board:
    what = "governance.board|" + repr(
        (
            [(s.pk, s.name, s.slug) for s in schools],
            school.pk if school else None,
            (period.key, period.months, period.start, period.end),
            reader,
            today.isoformat(),
        )
    )
    return cached_while_fresh(
        what,
        lambda: build(schools=schools, school=school, period=period, reader=reader, today=today),
        follows=registered_figures(),
        school_ids=[s.pk for s in schools],
        timeout=BOARD_KEPT_SECONDS,
        from_figures_only=True,
    )
