"""`{% error_summary_items form %}`: the error summary's lines, each linking to its field."""

from django import template

register = template.Library()


def _words(text: str) -> str:
    return " ".join(text.casefold().rstrip(".:").split())


def summary_line(label: str, error: str) -> str:
    """ "Label: error", unless the error already says what the label says (then the label
    would be read twice: "Type your full name to sign: Type your full name to sign.").
    A one-word label ("Email") is too short to tell, so it is always kept."""
    if not label or (len(label.split()) > 1 and _words(label) in _words(error)):
        return error
    return f"{label}: {error}"


@register.simple_tag
def error_summary_items(form) -> list[tuple[str, str]]:
    """(anchor id, text) for every field error. Radio buttons have no single input to
    point at, so the link goes to the field's own id (its group)."""
    return [
        (field.id_for_label or field.auto_id, summary_line(str(field.label), str(error)))
        for field in form
        for error in field.errors
    ]
