"""The steps on one risk, each with its rule, form and service: one URL serves them all
(`risk-step`), like the incident actions."""

from collections.abc import Callable
from dataclasses import dataclass

from . import services
from .forms import (
    AcceptForm,
    ActionForm,
    ReasonForm,
    RescoreForm,
    ReviewForm,
    RiskDetailsForm,
    people_for,
)
from .models import Matrix


@dataclass(frozen=True)
class Step:
    title: str
    rule: str
    form: Callable  # (request, risk) -> form
    perform: Callable  # (request, risk, form) -> message
    submit: str = "Save"
    intro: str = ""


def _data(request):
    return request.POST if request.method == "POST" else None


def _details_form(request, risk):
    initial = {
        "title": risk.title,
        "description": risk.description,
        "category": risk.category,
        "applies_in": risk.applies_in,
        "owners": list(risk.owners.all()),
        "mitigation_technical": risk.mitigation_technical,
        "mitigation_education": risk.mitigation_education,
    }
    return RiskDetailsForm(_data(request), initial=initial, people=people_for(risk))


def _edit(request, risk, form):
    data = dict(form.cleaned_data)
    services.update_risk(risk=risk, by=request.user, owners=data.pop("owners"), **data)
    return f"{risk.reference} was updated."


def _rescore_form(request, risk):
    matrix = Matrix.objects.current_for(risk.trust_of)
    initial = {
        "inherent_likelihood": risk.inherent_likelihood,
        "inherent_impact": risk.inherent_impact,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "likelihood_reason": risk.likelihood_reason,
        "impact_reason": risk.impact_reason,
        "inherent_reason": risk.inherent_reason,
    }
    if matrix.pk != risk.matrix_id:
        initial = {}  # a different grid: the old numbers mean something else
    return RescoreForm(_data(request), initial=initial, matrix=matrix)


def _rescore(request, risk, form):
    assessment = services.rescore(risk=risk, by=request.user, **form.cleaned_data)
    return f"{risk.reference} is now {assessment.label}."


def _review(request, risk, form):
    services.record_review(risk=risk, by=request.user, note=form.cleaned_data["note"])
    return f"The review of {risk.reference} is recorded."


def _accept(request, risk, form):
    risk = services.accept_risk(
        risk=risk,
        by=request.user,
        reason=form.cleaned_data["reason"],
        review_on=form.cleaned_data["review_on"],
    )
    return f"{risk.reference} is accepted until {risk.review_due:%-d %B %Y}."


def _status(service, message):
    def perform(request, risk, form):
        service(risk=risk, by=request.user, reason=form.cleaned_data["reason"])
        return message.format(ref=risk.reference)

    return perform


def _action(request, risk, form):
    services.add_action(risk=risk, by=request.user, **form.cleaned_data)
    return f"The action was added to {risk.reference}."


STEPS = {
    "edit": Step("Change the risk", "risks.edit", _details_form, _edit),
    "rescore": Step(
        "Re-score the risk",
        "risks.edit",
        _rescore_form,
        _rescore,
        "Save the new scores",
        "A new dated assessment is added; earlier scores stay in the risk's history.",
    ),
    "review": Step(
        "Record a review",
        "risks.edit",
        lambda request, risk: ReviewForm(_data(request)),
        _review,
        "Record the review",
        "Reviewed with no change to the scores. To change them, re-score instead.",
    ),
    "accept": Step(
        "Accept the risk",
        "risks.accept",
        lambda request, risk: AcceptForm(_data(request)),
        _accept,
        "Accept the risk",
        "Accepting means the school will live with this risk as it is, for now. "
        "Give the reason and the date to look at it again.",
    ),
    "treated": Step(
        "Mark as treated",
        "risks.edit",
        lambda request, risk: ReasonForm(_data(request)),
        _status(services.mark_treated, "{ref} is marked as treated."),
        "Mark as treated",
    ),
    "close": Step(
        "Close the risk",
        "risks.edit",
        lambda request, risk: ReasonForm(_data(request)),
        _status(services.close_risk, "{ref} is closed."),
        "Close the risk",
        "A closed risk stays in the register's history; nothing is deleted.",
    ),
    "reopen": Step(
        "Reopen the risk",
        "risks.edit",
        lambda request, risk: ReasonForm(_data(request)),
        _status(services.reopen_risk, "{ref} is open again."),
        "Reopen",
    ),
    "add-action": Step(
        "Add an action",
        "risks.add_action",
        lambda request, risk: ActionForm(_data(request), people=people_for(risk)),
        _action,
        "Add the action",
    ),
}
