"""What the risk register holds about a person, for a subject access request: the
school's risks that name them, as an owner, as who identified, scored or accepted the
risk, or as the owner of one of its actions. Their name on a risk is personal data; the
risk itself is the school's, so a record lists their part and the risk's heading, not
its whole assessment. Trust-wide risks belong to the trust, not the school: not here.

Only risks the searcher may open (`Risk.objects.visible_to`); a searcher who does not
manage the register (a trustee sees it without names) only the ones they own or act on
themselves, as a risk's own page allows. Two queries."""

from django.db.models import Exists, OuterRef, Q

from esafety.roles import allowed
from esafety.subject_access.holdings import Held, register_holding

from .models import Action, Assessment, Risk
from .rules import owned_risks_q


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def held_about(person, *, searcher, school) -> list[Held]:
    visible = Risk.objects.visible_to(searcher).filter(school=school)
    if not allowed(searcher, "risks.manage", school):
        visible = visible.filter(owned_risks_q(searcher))
    risks = list(
        visible.annotate(
            owns=Exists(Risk.owners.through.objects.filter(risk=OuterRef("pk"), user=person)),
            scored=Exists(Assessment.objects.filter(risk=OuterRef("pk"), assessed_by=person)),
            acts=Exists(Action.objects.filter(risk=OuterRef("pk"), owner=person)),
        )
        .filter(
            Q(owns=True)
            | Q(scored=True)
            | Q(acts=True)
            | Q(identified_by=person)
            | Q(accepted_by=person)
        )
        .order_by("number")
    )
    actions: dict[int, list] = {}
    if any(risk.acts for risk in risks):
        for action in Action.objects.filter(owner=person, risk__in=[r.pk for r in risks]):
            actions.setdefault(action.risk_id, []).append(action)
    return [_held(risk, person, actions.get(risk.pk, [])) for risk in risks]


def _held(risk, person, actions) -> Held:
    part = []
    if risk.owns:
        part.append("owner")
    if risk.identified_by_id == person.pk:
        part.append("identified it")
    if risk.scored:
        part.append("scored it")
    if risk.accepted_by_id == person.pk:
        part.append("accepted it")
    if actions:
        part.append(f"owns {len(actions)} action{'s' if len(actions) > 1 else ''} on it")
    details = [
        ("Reference", risk.reference),
        ("Risk", risk.title),
        ("Their part", ", ".join(part).capitalize()),
        ("Identified", _day(risk.identified_on)),
        ("Status", risk.get_status_display()),
        ("Current score", risk.assessment_label),
        ("Review due", _day(risk.review_due)),
    ]
    for action in actions:
        done = f"Done on {_day(action.done_on)}" if action.done_on else "Not done yet"
        details.append((f"Their action, due {_day(action.due_on)}", f"{action.text} ({done})"))
    return Held(
        kind="Risk",
        title=f"{risk.reference} {risk.title}",
        date=risk.identified_on,
        url=risk.get_absolute_url(),
        ref=f"risk:{risk.pk}",
        details=tuple((label, value) for label, value in details if value),
    )


register_holding("risks", held_about, label="Risk register")
