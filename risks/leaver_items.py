"""A leaver's risks and risk actions, for the leaver checklist: each handed over to
someone named, who then owns it (and sees it in the register, through `owned_risks_q`)."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from esafety.leaver_checklist import HAND_OVER, LeaverItem, register_leaver_item
from esafety.notifications import notify
from esafety.once import already_done
from esafety.services import attributed

from .models import Action, Risk, Status


def _owned(person, school):
    return Risk.objects.filter(school=school, owners=person).exclude(status=Status.CLOSED)


def owned_risks(person, school) -> list[LeaverItem]:
    return [
        LeaverItem(what=f"Risk {risk.reference}: {risk.title}", kind=HAND_OVER, pk=risk.pk)
        for risk in _owned(person, school).order_by("number")
    ]


@transaction.atomic
def hand_over_risk(*, risk_pk: int, person, school, to, by) -> Risk:
    """The leaver stops owning the risk and `to` owns it (kept if they already did).
    Once: a second click finds the leaver no longer an owner."""
    risk = Risk.objects.select_for_update().filter(pk=risk_pk, school=school).first()
    if risk is None or not risk.owners.filter(pk=person.pk).exists():
        raise already_done("That risk was already handed over.")
    attributed(risk, by, f"Owner left: handed over to {to}").save()
    risk.owners.remove(person)
    risk.owners.add(to)
    notify(to, title=f"You are now an owner of risk {risk.reference}", link=risk.get_absolute_url())
    return risk


def _open_actions(person, school):
    return Action.objects.filter(owner=person, done_on__isnull=True).filter(
        Q(risk__school=school) | Q(review__school=school)
    )


def open_actions(person, school) -> list[LeaverItem]:
    actions = _open_actions(person, school).select_related("risk")
    return [
        LeaverItem(
            what=(f"Action on risk {a.risk.reference}" if a.risk_id else "Filtering review action")
            + f", due {a.due_on:%-d %B %Y}",
            kind=HAND_OVER,
            pk=a.pk,
        )
        for a in actions
    ]


@transaction.atomic
def hand_over_action(*, action_pk: int, person, school, to, by) -> Action:
    action = _open_actions(person, school).select_for_update(of=("self",)).filter(pk=action_pk)
    action = action.first()
    if action is None:
        raise already_done("That action was already handed over or done.")
    action.owner = to
    attributed(action, by, "Handed over: the owner left").save()
    link = (
        action.risk.get_absolute_url()
        if action.risk_id
        else reverse("filtering-review", args=[action.review_id])
    )
    notify(to, title="You have been given an action on the risk register", link=link)
    return action


def _hand_over_risk(pk, **kwargs) -> str:
    risk = hand_over_risk(risk_pk=pk, **kwargs)
    return f"Risk {risk.reference}"


def _hand_over_action(pk, **kwargs) -> str:
    action = hand_over_action(action_pk=pk, **kwargs)
    return f"Action on risk {action.risk.reference}" if action.risk_id else "Review action"


register_leaver_item(
    "risks.owned", owned_risks, label="Risks they own", hand_over=_hand_over_risk, order=40
)
register_leaver_item(
    "risks.actions",
    open_actions,
    label="Risk and filtering actions",
    hand_over=_hand_over_action,
    order=41,
)
