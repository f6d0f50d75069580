"""What the low-level concerns log holds about a person, for a subject access request:
concerns about them, and concerns they raised. Only those the searcher may open
(`LowLevelConcern.objects.visible_to`): a concern about the headteacher never reaches the
headteacher here either. One query."""

from django.db.models import Q
from django.utils import timezone

from esafety.subject_access.holdings import Held, register_holding

from .models import LowLevelConcern


def held_about(person, *, searcher, school) -> list[Held]:
    concerns = (
        LowLevelConcern.objects.visible_to(searcher)
        .filter(school=school)
        .filter(Q(about=person) | Q(reported_by=person))
        .order_by("reported_at", "pk")
    )
    return [_held(concern, person) for concern in concerns]


def _held(concern, person) -> Held:
    part = "about them" if concern.about_id == person.pk else "raised by them"
    day = timezone.localtime(concern.reported_at).date()
    details = [("Their part", part), ("Status", concern.get_status_display())]
    if concern.response:
        details.append(("Response", concern.get_response_display()))
    return Held(
        kind="Low-level concern",
        title=f"{concern.number} ({part})",
        date=day,
        url=concern.get_absolute_url(),
        ref=f"concern:{concern.pk}",
        details=tuple(details),
    )


register_holding("concerns", held_about, label="Low-level concerns about adults")
