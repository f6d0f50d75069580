"""The steps on an incident page: each names its rule, its form and the service it calls."""

from collections.abc import Callable
from dataclasses import dataclass

from esafety.params import parse_id

from . import services
from .forms import (
    AmendForm,
    ClassifyForm,
    CloseForm,
    EmptyForm,
    EvidenceForm,
    NoteForm,
    ParentContactForm,
    PersonInvolvedForm,
    PolicyReviewForm,
    ReferralForm,
    ReopenForm,
    ReviewDateForm,
    ReviewForm,
    SanctionForm,
    TrusteeForm,
)
from .models import TimelineEntry


@dataclass(frozen=True)
class Step:
    title: str
    rule: str
    form: type
    perform: Callable  # (request, incident, form) -> success message
    button: str = "Save"
    needs_incident: bool = False  # the form takes incident=...
    needs_instance: bool = False  # a ModelForm on the incident
    files: bool = False

    def form_for(self, request, incident):
        posted = request.method == "POST"
        args = (request.POST if posted else None,)
        if self.files:
            args += (request.FILES if posted else None,)
        kwargs = {}
        if self.needs_incident:
            kwargs["incident"] = incident
        if self.needs_instance:
            kwargs["instance"] = incident
        return self.form(*args, **kwargs)


def _acknowledge(request, incident, form):
    incident = services.acknowledge(incident=incident, by=request.user)
    if incident.acknowledged_by not in (None, request.user):
        return f"{incident.acknowledged_by} has already acknowledged it."
    return "Acknowledged. The person who reported it can see that you have it."


def _note(request, incident, form):
    data = form.cleaned_data
    entry = services.add_timeline_entry(
        incident=incident,
        by=request.user,
        text=data["text"],
        owner=data["owner"],
        due_on=data["due_on"],
    )
    return "Action added." if entry.kind == "action" else "Note added."


def _complete(request, incident, form):
    chosen = parse_id(request.GET.get("entry"))
    entry = TimelineEntry.objects.filter(incident=incident, pk=chosen).first() if chosen else None
    if entry is None:
        raise services.ValidationError("Choose an action to mark as done.")
    services.complete_action(entry=entry, by=request.user)
    return "Action marked as done."


def _person(request, incident, form):
    services.add_person(incident=incident, by=request.user, **form.cleaned_data)
    return "Person added."


def _referral(request, incident, form):
    services.add_referral(incident=incident, by=request.user, **form.cleaned_data)
    return "Referral recorded."


def _sanction(request, incident, form):
    services.add_sanction(incident=incident, by=request.user, **form.cleaned_data)
    return "Sanction recorded."


def _parents(request, incident, form):
    services.record_parent_contact(incident=incident, by=request.user, **form.cleaned_data)
    return "Contact with parents or carers recorded."


def _review_date(request, incident, form):
    services.set_review_date(incident=incident, by=request.user, **form.cleaned_data)
    return "Review date set."


def _review(request, incident, form):
    services.record_review(incident=incident, by=request.user, **form.cleaned_data)
    return "Review recorded."


def _sign_head(request, incident, form):
    incident = services.sign_off(incident=incident, by=request.user)
    if incident.headteacher_signed_by != request.user:
        return f"{incident.headteacher_signed_by} has already signed it off."
    return "Signed off."


def _sign_trustee(request, incident, form):
    incident = services.sign_off(incident=incident, by=request.user, as_trustee=True)
    if incident.trustee_signed_by != request.user:
        return f"{incident.trustee_signed_by} has already signed it as trustee."
    return "Signed as trustee."


def _ask_trustee(request, incident, form):
    services.request_trustee_sign_off(incident=incident, by=request.user, **form.cleaned_data)
    return "The trustee has been asked to sign."


def _classify(request, incident, form):
    services.classify(incident=incident, by=request.user, **form.cleaned_data)
    return "Category, risk area and kind saved."


def _close(request, incident, form):
    services.close_incident(incident=incident, by=request.user, **form.cleaned_data)
    return "The incident is closed."


def _reopen(request, incident, form):
    services.reopen_incident(incident=incident, by=request.user, **form.cleaned_data)
    return "The incident is open again."


def _policy(request, incident, form):
    services.flag_policy_review(incident=incident, by=request.user, **form.cleaned_data)
    return "Flagged for a policy review."


def _evidence(request, incident, form):
    services.attach_evidence(
        incident=incident,
        by=request.user,
        upload=form.cleaned_data["file"],
        description=form.cleaned_data["description"],
    )
    return "Evidence attached."


def _amend(request, incident, form):
    reason = form.cleaned_data.pop("reason")
    original = type(incident).objects.get(pk=incident.pk)
    services.amend_report(
        incident=original, by=request.user, reason=reason, changes=form.cleaned_data
    )
    return "The report was changed and the reason kept in its history."


ACTIONS = {
    "acknowledge": Step(
        "Acknowledge this incident",
        "incidents.manage",
        EmptyForm,
        _acknowledge,
        button="Acknowledge",
    ),
    "note": Step(
        "Add a note or an action",
        "incidents.manage",
        NoteForm,
        _note,
        needs_incident=True,
        button="Add",
    ),
    "complete": Step(
        "Mark an action as done", "incidents.manage", EmptyForm, _complete, button="Mark as done"
    ),
    "person": Step(
        "Add a person involved",
        "incidents.manage",
        PersonInvolvedForm,
        _person,
        needs_incident=True,
        button="Add",
    ),
    "referral": Step("Record a referral", "incidents.manage", ReferralForm, _referral),
    "sanction": Step(
        "Record a sanction", "incidents.manage", SanctionForm, _sanction, needs_incident=True
    ),
    "parents": Step(
        "Contact with parents or carers", "incidents.manage", ParentContactForm, _parents
    ),
    "review-date": Step("Set the review date", "incidents.manage", ReviewDateForm, _review_date),
    "review": Step(
        "Record the result of the review",
        "incidents.manage",
        ReviewForm,
        _review,
        needs_incident=True,
    ),
    "classify": Step(
        "Set the category, risk area and kind",
        "incidents.classify",
        ClassifyForm,
        _classify,
        needs_incident=True,
    ),
    "close": Step("Close the incident", "incidents.manage", CloseForm, _close, button="Close"),
    "reopen": Step("Reopen the incident", "incidents.manage", ReopenForm, _reopen, button="Reopen"),
    "sign-off": Step(
        "Sign off as headteacher",
        "incidents.sign_off_headteacher",
        EmptyForm,
        _sign_head,
        button="Sign off",
    ),
    "trustee-sign-off": Step(
        "Sign as trustee", "incidents.sign_off_trustee", EmptyForm, _sign_trustee, button="Sign"
    ),
    "ask-trustee": Step(
        "Ask a trustee to sign",
        "incidents.manage",
        TrusteeForm,
        _ask_trustee,
        needs_incident=True,
        button="Ask",
    ),
    "policy-review": Step(
        "Flag for a policy review", "incidents.manage", PolicyReviewForm, _policy, button="Flag"
    ),
    "evidence": Step(
        "Attach evidence", "incidents.manage", EvidenceForm, _evidence, files=True, button="Attach"
    ),
    "amend": Step(
        "Change the report",
        "incidents.amend",
        AmendForm,
        _amend,
        needs_instance=True,
        button="Save changes",
    ),
}
