"""The risk register's rows, built in Python: fifty rows of eight cells through the
template engine were most of the page's time (as the incident queue's rows were)."""

from django import template
from django.utils.safestring import mark_safe

from esafety.html import escaped as _e
from esafety.html import short_date, url_for_each

from ..owners import owners_of

register = template.Library()


@register.simple_tag
def register_rows(risks, *, opens_risks: bool, names_hidden: bool, today) -> str:
    """One <tr> per risk; every value escaped (`_e`), the rest fixed text."""
    detail_url_of = url_for_each("risk-detail") if opens_risks else None
    return mark_safe("".join(_row(r, detail_url_of, names_hidden, today) for r in risks))


def _row(risk, detail_url_of, names_hidden, today) -> str:
    title = f"<bdi>{_e(risk.title)}</bdi>"  # user-written: its own direction
    if detail_url_of:
        title = f'<a href="{_e(detail_url_of(risk.pk))}">{title}</a>'
    if names_hidden:
        owners = ", ".join(risk.owner_roles)
    else:
        owners = ", ".join(str(owner) for owner in owners_of(risk))
    due = short_date(risk.review_due) if risk.review_due else ""
    if risk.review_due and risk.review_due < today:
        due += ' <span class="badge text-bg-danger">overdue</span>'
    cells = [
        f'<td class="text-nowrap">{_e(risk.reference)}</td>',
        f'<th scope="row" class="fw-normal">{title}</th>',
        # The score beside the title: on a phone it is in view before any scrolling.
        f'<td class="text-nowrap"><strong>{_e(risk.assessment_label)}</strong></td>',
        f'<td class="text-nowrap">{_e(risk.inherent_label)}</td>',
        f"<td>{_e(risk.get_category_display())}</td>",
        f"<td>{_e(owners)}</td>",
        f"<td>{_e(risk.get_status_display())}</td>",
        f'<td class="text-nowrap">{due}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>\n"
