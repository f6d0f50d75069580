"""How an incident shows in lists: its status badge, why it is urgent, and who and what.

Python rather than included templates: the queue shows each of them twice per row (a
table on wide screens, cards on a phone) for up to 50 rows, and an include per row was
most of the page's time."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.html import format_html, format_html_join

from ..models import Status, Subject
from ..selectors import URGENT_CATEGORIES

register = template.Library()

BADGES = {
    Status.DRAFT: ("secondary", "Draft"),
    Status.ACKNOWLEDGED: ("info", "Acknowledged"),
    Status.OPEN: ("primary", "Being dealt with"),
    Status.REVIEW: ("primary", "Being reviewed"),
}
SUMMARY_WORDS = 12


@register.simple_tag(takes_context=True)
def status_badge(context, incident):
    if incident.status == Status.REPORTED:
        now = context.get("now")
        if incident.acknowledge_by and now and incident.acknowledge_by < now:
            colour, text = "danger", "Overdue: not acknowledged"
        else:
            colour, text = "warning", "Waiting to be acknowledged"
    else:
        colour, text = BADGES.get(incident.status, ("success", "Closed"))
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, text)


def _urgent_because(incident) -> str:
    if incident.suspected_illegal_material:
        return "suspected illegal material"
    if incident.subject == Subject.HEADTEACHER:
        return "concern about the headteacher"
    if incident.subject == Subject.STAFF:
        return "concern about staff"
    if incident.category in URGENT_CATEGORIES:
        return incident.category_label
    return "overdue"


@register.simple_tag
def urgency(incident):
    """Why an incident is marked urgent, in words (not colour alone)."""
    if getattr(incident, "urgent", None) != 0:
        return ""
    return format_html(
        '<span class="badge text-bg-danger">Urgent<span class="visually-hidden">:</span>'
        '</span> <span class="small">{}</span>',
        _urgent_because(incident),
    )


@register.simple_tag
def who_and_what(incident):
    """The pupils involved (or who the concern is about), then the first words."""
    summary = truncatewords(incident.description, SUMMARY_WORDS)
    pupils = getattr(incident, "pupils", None)
    if pupils:
        names = format_html_join(", ", "{}", ((p.display_name,) for p in pupils))
        return format_html('<span class="fw-semibold">{}</span>: {}', names, summary)
    if incident.subject != Subject.PUPIL:
        return format_html(
            '<span class="fw-semibold">{}</span>: {}', incident.get_subject_display(), summary
        )
    return summary
