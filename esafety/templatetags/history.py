"""`{% history_panel obj %}`: who changed what and when, for any record with history."""

from django import template

register = template.Library()

CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def history_entries(obj, limit=50):
    """Newest first: when, who, what kind of change, and each field's old and new value."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = newer.instance._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        entries.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": CHANGE_TYPES.get(newer.history_type, newer.history_type),
                "reason": newer.history_change_reason,
                "changes": changes,
            }
        )
    return entries


@register.inclusion_tag("partials/history_panel.html")
def history_panel(obj, title="History"):
    return {"entries": history_entries(obj), "title": title}
