"""A board as a person reads it (their rules, the period asked for) and its figures as rows
(figure, item, series, value, detail): the dashboard, its CSV download and the API's
figures read the same board and give the same rows."""

from django.utils import timezone

from esafety.roles import allowed, is_school_manager

from . import services
from .board import Reader
from .kept import kept_board
from .terms import period_from


def board_for(user, params, *, trust, school, schools):
    """(board, period): the board `user` reads of `school` (or of the trust's `schools`
    when None), for the period in `params` (a query string)."""
    today = timezone.localdate()
    reader = reader_for(user, trust, school)
    period = period_from(params, today, whole_terms=reader.hides_small)
    board = kept_board(
        schools=schools if school is None else [school],
        school=school,
        period=period,
        reader=reader,
        today=today,
    )
    return board, period


def reader_for(user, trust, school) -> Reader:
    manages = school is not None and is_school_manager(user, school)
    return Reader(
        trustee_view=not manages,
        under=services.settings_for(trust).small_counts_under,
        sees_staff_concerns=allowed(user, "governance.see_staff_concerns", trust),
        manages=manages,
    )


def board_rows(board) -> list[tuple]:
    rows = [("Headline", tile.label, "", tile.value, tile.detail) for tile in board.tiles]
    for drawing in board.all_charts + [c for s in board.sections for c in s.charts]:
        for label, cells in drawing.table_rows:
            for series, cell in zip(drawing.series, cells, strict=True):
                rows.append((drawing.title, label, series.name, cell, ""))
    if board.comparison:
        for label, cells in board.comparison["rows"]:
            for s, cell in zip(board.schools, cells, strict=True):
                rows.append(("Schools side by side", label, s.name, cell, ""))
    if board.staff_concerns is not None:
        rows.append(("Chair only", "Concerns about staff", "", board.staff_concerns, ""))
    return rows
