"""A board's figures as rows (figure, item, series, value, detail): the CSV download and
the API's figures give the same rows; and who reads a board (the reader's rules)."""

from esafety.roles import allowed, is_school_manager

from . import services
from .board import Reader


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
