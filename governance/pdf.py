"""The termly report as a PDF: the dashboard's figures and charts for the term (the same
board.py, as trustees see them), the open HIGH risks, what changed since last term's
signed report, and the narrative. Signing renders it once and keeps it (services)."""

from django.utils import timezone

from esafety.models import School
from esafety.pdf import render_pdf

from .board import Reader, build, read_figures
from .services import previous_report, settings_for
from .terms import Period, term_from_key


def report_period(report) -> Period:
    term = term_from_key(report.term)
    now = timezone.localdate()
    months = [m for m in term.months if m <= f"{now.year:04d}-{now.month:02d}"] or term.months
    return Period("term", term.label, months)


def report_schools(report) -> list:
    if report.school_id:
        return [report.school]
    return list(School.objects.filter(trust_id=report.trust_id).order_by("name"))


def _board(report):
    schools = report_schools(report)
    reader = Reader(
        trustee_view=True,
        under=settings_for(report.trust).small_counts_under,
        sees_staff_concerns=False,  # one PDF for every trustee: the chair hears apart
        manages=False,
    )
    return build(
        figures=read_figures([s.pk for s in schools], exact=True),  # signed: never stale
        schools=schools,
        school=report.school,
        period=report_period(report),
        reader=reader,
        today=timezone.localdate(),
    )


def snapshot_of(board) -> dict:
    return {tile.key: {"label": tile.label, "value": tile.value} for tile in board.tiles}


def changes(board, previous) -> list[tuple[str, str, str]]:
    """(figure, last term as signed, now) for each headline figure."""
    before = previous.snapshot if previous and previous.is_signed else {}
    return [
        (tile.label, before.get(tile.key, {}).get("value", "not recorded"), tile.value)
        for tile in board.tiles
    ]


def _render(report, *, draft: bool) -> tuple[bytes, dict]:
    board = _board(report)
    previous = previous_report(report)
    title = f"Online-safety report, {report.term_label}"
    pdf = render_pdf(
        "governance/report_pdf.html",
        {
            "report": report,
            "board": board,
            "changes": changes(board, previous),
            "previous": previous,
            "draft": draft,
        },
        school=report.school,
        title=title,
    )
    return pdf, snapshot_of(board)


def render_signed(report) -> tuple[bytes, dict]:
    return _render(report, draft=False)


def draft_pdf(report) -> bytes:
    return _render(report, draft=True)[0]
