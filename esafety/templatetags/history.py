"""`{% history_panel obj %}`: who changed what and when, for any record with history."""

from collections import defaultdict

from django import template

register = template.Library()

CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _readable(field, value, names):
    """A value as a person reads it: a choice's label, a related record's name."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):  # before `value in (...)`: False == 0 would read as blank
        return "yes" if value else "no"
    if field.many_to_many:
        return f"{len(value)} linked"
    if isinstance(value, (list, tuple)):
        # A list field (a document's audience): each item as a person reads it.
        return ", ".join(str(_readable(field, item, names)) for item in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    choices = dict(field.flatchoices) if field.choices else {}
    return choices.get(value, value)


def _related_names(pending):
    """One query per related model to name every record mentioned in the changes."""
    names = {}
    for model, ids in pending.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    return names


def history_entries(obj, limit=50):
    """Newest first: when, who, what kind of change, and each field's old and new value."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    diffs = []
    pending = defaultdict(set)
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = obj._meta.get_field(change.field)
                if field.is_relation and not field.many_to_many:
                    pending[field.related_model].update(
                        v for v in (change.old, change.new) if v is not None
                    )
                changes.append((field, change.old, change.new))
        diffs.append((newer, changes))
    names = _related_names(pending)
    return [
        {
            "when": record.history_date,
            "who": record.history_user,
            "kind": CHANGE_TYPES.get(record.history_type, record.history_type),
            "reason": record.history_change_reason,
            "changes": [
                {
                    "field": field.verbose_name,
                    "old": _readable(field, old, names),
                    "new": _readable(field, new, names),
                }
                for field, old, new in changes
            ],
        }
        for record, changes in diffs
    ]


@register.inclusion_tag("partials/history_panel.html")
def history_panel(obj, title="History"):
    return {"entries": history_entries(obj), "title": title}
