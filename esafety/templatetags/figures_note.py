"""The note a page shows when some of its figures are the last ones counted, not yet the
newest (esafety/figures_store.py): when they were counted, and that newer are coming."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from esafety.figures_store import served_as_at

register = template.Library()


@register.simple_tag
def figures_note():
    as_at = served_as_at()
    if as_at is None:
        return ""
    local = timezone.localtime(as_at)
    when = f"{local:%H:%M}" if local.date() == timezone.localdate() else f"{local:%H:%M on %-d %B}"
    return format_html(
        '<p class="small text-body-secondary mt-4 mb-0" role="note">'
        "Some figures on this page are as at {}. Newer changes are being counted: "
        "reload the page in a minute to see them.</p>",
        when,
    )
