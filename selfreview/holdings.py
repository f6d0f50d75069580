"""What the yearly self-review holds about a person, for a subject access request: the
actions of its plan they own, and the reviews they started or signed (the headteacher,
the chair). No evidence is uploaded to a self-review (its evidence is the product's own
figures, naming nobody), so there is none to list. Ratings and the summary are the
school's judgement, not about a person: not here.

Only what the searcher may open (`visible_to`); someone who may not see names in a
review (a trustee sees owners as roles) finds only their own actions, and the
signatures trustees see anyway. Two queries."""

from django.db.models import Q

from esafety.roles import allowed
from esafety.subject_access.holdings import Held, register_holding

from .models import ActionItem, SelfReview


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def held_about(person, *, searcher, school) -> list[Held]:
    names = allowed(searcher, "selfreview.see_names", school)
    actions = ActionItem.objects.visible_to(searcher).filter(owner=person, review__school=school)
    signed = Q(head_signed_by=person) | Q(chair_signed_by=person)
    reviews = SelfReview.objects.visible_to(searcher).filter(
        (signed | Q(created_by=person)) if names else signed, school=school
    )
    if not names:
        actions = actions.filter(owner=searcher)
    found = [_action(action) for action in actions.select_related("review")]
    found += [_review(review, person) for review in reviews]
    return found


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]  # not str.capitalize(): it lowercases "December"


def _action(action) -> Held:
    details = [
        ("Self-review", action.review.year),
        ("Aspect", action.get_aspect_display()),
        ("What will be done", action.text),
        ("Due", _day(action.due_on)),
        ("Done", _day(action.done_on) or "Not yet"),
        ("What was done", action.done_note),
    ]
    return Held(
        kind="Self-review action",
        title=f"Action for {action.review.year}: {action.text[:60]}",
        date=action.created_at.date(),
        url=action.get_absolute_url(),
        ref=f"action:{action.pk}",
        details=tuple((label, value) for label, value in details if value),
    )


def _review(review, person) -> Held:
    part = []
    if review.created_by_id == person.pk:
        part.append("started it")
    if review.head_signed_by_id == person.pk:
        part.append(f"signed it as headteacher on {_day(review.head_signed_at)}")
    if review.chair_signed_by_id == person.pk:
        part.append(f"signed it as chair of trustees on {_day(review.chair_signed_at)}")
    details = [
        ("Self-review", review.year),
        ("Their part", _sentence("; ".join(part))),
        ("Stage", review.get_stage_display()),
    ]
    return Held(
        kind="Self-review",
        title=f"Online-safety self-review {review.year}",
        date=review.created_at.date(),
        url=review.get_absolute_url(),
        ref=f"review:{review.pk}",
        details=tuple((label, value) for label, value in details if value),
    )


register_holding("selfreview", held_about, label="Self-review")
