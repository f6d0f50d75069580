"""A heat map grid as HTML, the same as `risks/heatmap.html` renders it, in Python: the
trust's page draws one per school (twenty-five cells each), and as a template each
number was localised and each link reversed cell by cell, most of the page's time."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from esafety.html import escaped as _e

register = template.Library()


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _cell(cell, link: bool, url: str, which: str, matrix_pk) -> str:
    # The count, and under it the cell's score in words (HIGH (9)): neither is a bare
    # number, and the colour is never the only sign of the band.
    label = _e(cell.label)
    where = f"at likelihood {cell.likelihood}, impact {cell.impact}: {label}"
    said = f"{cell.count} risk{_s(cell.count)} {where}"
    band = f'<span class="d-block small fw-normal">{label}</span>'
    if link and cell.count:
        inner = (
            f'<a class="text-reset fw-bold" href="{_e(url)}?cell={_e(which)}-{cell.likelihood}'
            f'-{cell.impact}&amp;matrix={_e(matrix_pk)}" aria-label="{said}">{cell.count}{band}</a>'
        )
    else:
        inner = (
            f'<span class="visually-hidden">{said}</span>'
            f'<span aria-hidden="true">{cell.count or "·"}{band}</span>'
        )
    return f'<td class="{_e(cell.css)}">{inner}</td>'


@register.simple_tag(takes_context=True)
def heatmap(context, grid, which, title, link=False, school=None):
    """One heat map grid (`risks.heatmap.Grid`); with `link`, each counted cell links to
    the school's register filtered to it."""
    school = school if school is not None else context.get("school")
    url = ""
    if link:
        try:
            url = reverse("risk-register", args=[school.slug])
        except (NoReverseMatch, AttributeError):
            url = ""
    matrix = grid.matrix
    name = f" ({_e(matrix.name)})" if matrix.size != 3 or context.get("several") else ""
    heads = "".join(f'<th scope="col">L{cell.likelihood}</th>' for cell in grid.rows[0])
    rows = "".join(
        f'\n  <tr><th scope="row">I{row[0].impact}</th>\n    '
        + "".join(_cell(cell, link, url, which, matrix.pk) for cell in row)
        + "\n  </tr>\n  "
        for row in grid.rows
    )
    return mark_safe(  # every value escaped by _e, or a number
        '\n<figure class="heatmap mb-3">\n'
        '<table class="table table-bordered text-center mb-1 heatmap-table">\n'
        f'  <caption class="caption-top text-body fw-semibold">{_e(title)}{name}</caption>\n'
        '  <thead><tr><th scope="col"><span class="visually-hidden">Impact, by likelihood'
        f"</span></th>{heads}</tr></thead>\n  <tbody>\n  {rows}\n  </tbody>\n</table>\n"
        '<figcaption class="small text-body-secondary">L = likelihood, I = impact. '
        f"{grid.total} risk{_s(grid.total)}.</figcaption>\n</figure>\n"
    )
