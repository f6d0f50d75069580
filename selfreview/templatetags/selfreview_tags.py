from django import template

from ..framework import LEVELS

register = template.Library()


@register.filter
def level_name(level) -> str:
    """3 -> "3 – Developing"; nothing -> "Not rated"."""
    return f"{level} – {LEVELS[level]}" if level in LEVELS else "Not rated"


@register.filter
def change_from(level, before) -> str:
    if level is None or before is None:
        return ""
    diff = level - before
    return "same" if diff == 0 else f"{'up' if diff > 0 else 'down'} {abs(diff)}"
