"""How an incident shows in lists: its status badge, why it is urgent, and who and what.

Python rather than included templates: the queue shows each of them twice per row (a
table on wide screens, cards on a phone) for up to 50 rows, and an include per row was
most of the page's time."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from esafety.html import MONTHS, url_for_each
from esafety.html import escaped as _e

from ..models import Source, Status, Subject
from ..routing import OVERDUE_ACTION, urgency_reasons

register = template.Library()

BADGES = {
    Status.DRAFT: ("secondary", "Draft"),
    Status.ACKNOWLEDGED: ("info", "Acknowledged"),
    Status.OPEN: ("primary", "Being dealt with"),
    Status.REVIEW: ("primary", "Being reviewed"),
}
SUMMARY_WORDS = 12


def _first_words(text: str) -> str:
    """The first SUMMARY_WORDS words, as the truncatewords filter gives them."""
    words = text.split()
    if len(words) > SUMMARY_WORDS:
        return " ".join(words[:SUMMARY_WORDS]) + " …"
    return " ".join(words)


# The tags below build their HTML from escaped values (`_e`) and fixed text.


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
    return mark_safe(f'<span class="badge text-bg-{colour} text-wrap text-start">{text}</span>')


def _urgent_because(incident, now) -> str:
    """The reasons of routing.URGENCY that hold, from the row's own columns; a row the
    queue marked urgent with none of them has an overdue action (another table)."""
    reasons = urgency_reasons(incident, now or timezone.now())
    return "; ".join(reasons) or OVERDUE_ACTION


URGENT_BADGE = (
    '<span class="badge text-bg-danger">Urgent<span class="visually-hidden">:</span></span>'
)
FROM_SOURCE = '<span class="badge text-bg-info">{}</span>'


@register.simple_tag(takes_context=True)
def urgency(context, incident):
    """Why an incident is marked urgent, in words (not colour alone)."""
    if getattr(incident, "urgent", None) != 0:
        return ""
    because = _e(_urgent_because(incident, context.get("now")))
    return mark_safe(f'{URGENT_BADGE} <span class="small">{because}</span>')


def _flags(pupil) -> str:
    """A pupil's vulnerability flags, set only for those who may see them (add_flags)."""
    flags = getattr(pupil, "flags", ())
    return "".join(f' <span class="badge text-bg-light border">{_e(f)}</span>' for f in flags)


@register.simple_tag
def who_and_what(incident):
    """The pupils involved (or who the concern is about), then the first words."""
    # Names and words as typed, each isolated (<bdi>): right-to-left text stays whole.
    summary = f"<bdi>{_e(_first_words(incident.description))}</bdi>"
    pupils = getattr(incident, "pupils", None)
    if pupils:
        names = ", ".join(f"<bdi>{_e(p.display_name)}</bdi>{_flags(p)}" for p in pupils)
        return mark_safe(f'<span class="fw-semibold">{names}</span>: {summary}')
    if incident.subject != Subject.PUPIL:
        about = _e(incident.get_subject_display())
        return mark_safe(f'<span class="fw-semibold">{about}</span>: {summary}')
    return mark_safe(summary)


# --- the queue's table and cards ------------------------------------------------------------
# One pass over the rows, each piece worked out once and used in both the table (wide
# screens) and the cards (phones): as templates, the 50 rows of a queue page rendered
# twice were most of the page's time.


def _when(value, year=True) -> str:
    """As the date filter shows "j M Y, H:i" (or "j M, H:i"), in the local time zone;
    worked out directly, as the filter's general formatter was a third of a row's time."""
    if not value:
        return ""
    local = timezone.localtime(value)
    year_part = f" {local.year}" if year else ""
    return f"{local.day} {MONTHS[local.month - 1]}{year_part}, {local:%H:%M}"


def _row(incident, several, now, detail_url_of):
    context = {"now": now}
    urgent = getattr(incident, "urgent", None) == 0
    because = _e(_urgent_because(incident, now)) if urgent else ""
    kinds = [tag.name for tag in getattr(incident, "kinds", ())]
    risk = incident.get_risk_area_display()
    return {
        "url": detail_url_of(incident.pk),
        "number": incident.reference,
        "urgent": urgent,
        "urgency": f'{URGENT_BADGE} <span class="small">{because}</span>' if urgent else "",
        "because": because,
        "who": who_and_what(incident),
        "badge": status_badge(context, incident),
        "deadline": _when(incident.acknowledge_by, year=False)
        if incident.status == Status.REPORTED
        else None,
        "category": incident.category_label,
        "kinds": kinds,
        "risk": truncatewords(risk, 1) if risk else "",
        "school": str(incident.school) if several else "",
        # Reports that reached the school through a product, not a person: a badge.
        "from_source": ""
        if incident.source == Source.STAFF
        else FROM_SOURCE.format(_e(incident.get_source_display())),
        # Safe HTML: the reporter's name isolated (<bdi>), each part escaped.
        "reported": f"{_e(_when(incident.reported_at))} "
        + (
            f"by <bdi>{_e(incident.reported_by or '')}</bdi>"
            if incident.source == Source.STAFF
            else FROM_SOURCE.format(_e(incident.get_source_display()))
        ),
    }


def _table_row(row, several) -> str:
    # Strings joined with each value escaped here (`_e`): the badges, urgency and summary
    # are already safe HTML. format_html per row cost more than the rest of the row.
    kinds = ", ".join(f"<bdi>{_e(kind)}</bdi>" for kind in row["kinds"]) or "No kind"
    # The badge beside the number, the reasons above who and what: they wrap there.
    badge_html = f"<br>{URGENT_BADGE}" if row["urgent"] else ""
    because = row["because"]
    because_html = (
        f'<div class="small"><span class="fw-semibold">Why urgent:</span> {because}</div>'
        if because
        else ""
    )
    deadline = row["deadline"]
    deadline_html = f'<div class="small">by {_e(deadline)}</div>' if deadline is not None else ""
    school = f"    <td>{_e(row['school'])}</td>\n" if several else ""
    return (
        f'<tr>\n    <td class="text-nowrap"><a href="{_e(row["url"])}">{_e(row["number"])}</a>'
        f"{badge_html}</td>\n    <td>{because_html}{row['who']}</td>\n"
        f"    <td>{row['badge']}{deadline_html}</td>\n"
        f'    <td class="small">{_e(row["category"]) or "No category"}<br>{kinds}<br>'
        f"{_e(row['risk']) or 'No risk area'}</td>\n{school}"
        f'    <td class="small">{row["reported"]}</td>\n  </tr>'
    )


def _card(row, several) -> str:
    details = [row["category"] or "No category", *row["kinds"]]
    if row["risk"]:
        details.append(row["risk"])
    if several:
        details.append(row["school"])
    border = " border-danger" if row["urgent"] else ""
    return (
        f'<li class="card mb-2{border}"><div class="card-body p-2">\n'
        '    <div class="d-flex flex-wrap justify-content-between gap-1">'
        f'<a class="fw-semibold" href="{_e(row["url"])}">{_e(row["number"])}</a> '
        f"{row['badge']}{row['from_source']}</div>\n"
        f"    {row['urgency']}\n    <div>{row['who']}</div>\n"
        f'    <div class="small">{" · ".join(f"<bdi>{_e(d)}</bdi>" for d in details)}</div>\n'
        "  </div></li>"
    )


@register.simple_tag(takes_context=True)
def queue_table(context, incidents, caption):
    """The queue's incidents: a table on wide screens, the same as cards on a phone. Each
    says who (the pupils, for those who may see them) and what (the first words)."""
    several = context.get("several_schools")
    detail_url_of = url_for_each("incident-detail")
    rows = [_row(i, several, context.get("now"), detail_url_of) for i in incidents]
    head = format_html(
        '<div class="d-none d-md-block">\n<table class="table align-middle">\n'
        "  <caption>{}</caption>\n"
        '  <thead><tr><th scope="col">Number</th><th scope="col">Who and what</th>'
        '<th scope="col">Status</th><th scope="col">Category, kind, risk</th>{}'
        '<th scope="col">Reported</th></tr></thead>\n  <tbody>\n  ',
        caption,
        mark_safe('<th scope="col">School</th>') if several else "",
    )
    table_rows = "\n  ".join(_table_row(r, several) for r in rows)
    cards = "\n".join(f"  {_card(r, several)}" for r in rows)
    empty_row = '<tr><td colspan="6">No incidents match.</td></tr>'
    return mark_safe(  # every value escaped by _e or already safe HTML
        f"{head}{table_rows or empty_row}\n  </tbody>\n</table>\n</div>\n"
        f'<div class="d-md-none">\n<h3 class="visually-hidden">{_e(caption)}</h3>\n'
        f'<ul class="list-unstyled">\n{cards or "<li>No incidents match.</li>"}\n</ul>\n</div>\n'
    )
