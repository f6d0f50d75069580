"""The breach register, lost or stolen devices, and the trustees' figures."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from esafety.exports import csv_response
from esafety.figures import figures_for
from esafety.forms import add_errors
from esafety.models import School
from esafety.once import redirect_as_done, was_already_done
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import access_for, allowed, require
from esafety.views_people import get_school
from incidents.models import Incident

from . import breaches
from .forms import (
    BreachForm,
    BreachUpdateForm,
    IcoDecisionForm,
    LossForm,
    PeopleToldForm,
    id_param,
    posted,
)
from .models import Breach
from .views_inventory import get_device
from .views_loans import get_loan


def get_breach(request, pk, rule=None) -> Breach:
    breach = get_object_or_404(
        Breach.objects.visible_to(request.user).select_related(
            "school", "decided_by", "recorded_by", "loss__device", "incident__school"
        ),
        pk=pk,
    )
    if rule:
        require(request.user, rule, breach.school)
    return breach


def breach_list(request, slug):
    school = get_school(request, slug, "devices.view_breaches")
    items = Breach.objects.visible_to(request.user).filter(school=school)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/breaches.html",
        {"school": school, "page": page, "now": timezone.now()},
    )


def breach_export(request, slug):
    school = get_school(request, slug, "devices.view_breaches")
    items = (
        Breach.objects.visible_to(request.user).filter(school=school).order_by("became_aware_at")
    )
    header = ["number", "became_aware", "ico_deadline", "what_happened", "data_affected"]
    header += ["people_affected", "likely_risk"]
    header += ["containment", "ico_decision", "ico_reported_at", "ico_reference"]
    header += ["not_reported_reason", "late", "late_reason", "people_told", "lessons"]
    rows = (
        [
            b.number,
            _local(b.became_aware_at),
            b.ico_deadline_text,
            b.what_happened,
            b.data_affected,
            b.people_affected,
            b.get_likely_risk_display(),
            b.containment,
            b.get_ico_decision_display(),
            _local(b.ico_reported_at),
            b.ico_reference,
            b.not_reported_reason,
            "yes" if b.is_late() else "no",
            b.late_reason,
            b.get_people_told_display(),
            b.lessons,
        ]
        for b in items
    )
    return csv_response(f"breaches-{school.slug}.csv", header, rows)


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def breach_add(request, slug):
    """Any personal-data breach. From an incident tagged "data breach": linked to it."""
    school = get_school(request, slug, "devices.view_breaches")
    incident = None
    if incident_pk := id_param(request, "incident"):
        incident = get_object_or_404(
            Incident.objects.visible_to(request.user)
            .filter(school=school)
            .select_related("school"),
            pk=incident_pk,
        )
    initial = {"became_aware_at": timezone.localtime().replace(second=0, microsecond=0)}
    if incident:
        initial["what_happened"] = f"See incident {incident.reference}."
    form = BreachForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            breach = breaches.record_breach(
                school=school, by=request.user, incident=incident, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The breach is recorded and the headteacher has been told.")
            return redirect("breach-detail", pk=breach.pk)
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": "Record a personal-data breach",
            "intro": BREACH_INTRO,
            "hidden": {"incident": incident.pk} if incident else {},
            "parent_url": reverse("breaches", args=[school.slug]),
            "parent_label": "Data breaches",
        },
        status=400 if form.errors else 200,
    )


BREACH_INTRO = (
    "Any breach of personal data: a lost laptop, an email to the wrong parent, a document "
    "left on a printer. The headteacher decides, within 72 hours of the school becoming "
    "aware, whether the ICO must be told."
)


def breach_detail(request, pk):
    breach = get_breach(request, pk)
    now = timezone.now()
    return render(
        request,
        "devices/breach_detail.html",
        {
            "breach": breach,
            "now": now,
            "late": breach.is_late(now),
            "hours_left": breach.hours_left(now),
            "can_decide": allowed(request.user, "devices.decide_breach", breach.school),
            "can_edit": allowed(request.user, "devices.view_breaches", breach.school),
        },
    )


def breach_edit(request, pk):
    breach = get_breach(request, pk, "devices.view_breaches")
    form = BreachUpdateForm(posted(request), instance=breach)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            breaches.update_breach(breach=breach, by=request.user, **changes)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("breach-detail", pk=breach.pk)
    return _breach_step(request, breach, form, "Update the breach record")


def breach_decide(request, pk):
    breach = get_breach(request, pk, "devices.decide_breach")
    form = IcoDecisionForm(posted(request), late=breach.is_late())
    if request.method == "POST" and form.is_valid():
        try:
            breaches.decide_ico(breach=breach, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "breach-detail", pk=breach.pk)
            add_errors(form, error)
        else:
            messages.success(request, "The ICO decision is recorded.")
            return redirect("breach-detail", pk=breach.pk)
    return _breach_step(request, breach, form, "Decide whether to tell the ICO")


def breach_people_told(request, pk):
    breach = get_breach(request, pk, "devices.view_breaches")
    form = PeopleToldForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            breaches.record_people_told(breach=breach, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("breach-detail", pk=breach.pk)
    return _breach_step(request, breach, form, "Were the people affected told?")


def _breach_step(request, breach, form, title):
    return render(
        request,
        "devices/form.html",
        {
            "school": breach.school,
            "form": form,
            "title": title,
            "intro": f"The 72 hours to tell the ICO end {breach.ico_deadline_text}.",
            "back_breach": breach,
        },
        status=400 if form.errors else 200,
    )


def breach_pdf(request, pk):
    breach = get_breach(request, pk, "devices.view_breaches")
    pdf = render_pdf(
        "devices/breach_pdf.html",
        {"breach": breach, "late": breach.is_late()},
        school=breach.school,
        title=f"Personal-data breach record {breach.number}",
    )
    return pdf_response(pdf, f"breach-{breach.school.slug}-{breach.number}.pdf")


def report_loss(request, pk):
    """The technician or a lead reports a device lost or stolen."""
    device = get_device(request, pk)
    return _loss_form(request, device, back={"back": device}, done=device.get_absolute_url())


def report_loan_loss(request, pk):
    """The borrower (or a parent, for a pupil's loan) reports a lent device lost or stolen."""
    loan = get_loan(request, pk)
    require(request.user, "devices.report_loan_lost", loan)
    if not loan.is_out:
        messages.error(request, "This device is not out on loan.")
        return redirect("loan-detail", pk=loan.pk)
    return _loss_form(request, loan.device, back={"back_loan": loan}, done=loan.get_absolute_url())


def _loss_form(request, device, *, back, done):
    form = LossForm(
        posted(request),
        initial={
            "held_personal_data": "yes" if device.holds_personal_data else "",
            "was_encrypted": "yes" if breaches.encrypted_now(device) else "no",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            loss = breaches.report_loss(device=device, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if hasattr(loss, "breach"):
                messages.success(request, "Reported. A breach record was opened and the head told.")
                if allowed(request.user, "devices.view_breaches", device.school):
                    return redirect("breach-detail", pk=loss.breach.pk)
            else:
                messages.success(request, "Reported. The headteacher has been told.")
            return redirect(done)
    return render(
        request,
        "devices/form.html",
        {
            "school": device.school,
            "form": form,
            "title": f"Report {device.asset_tag} lost or stolen",
            "intro": "The headteacher is told at once. If it held personal data, a breach "
            "record is opened and the 72-hour ICO clock starts.",
            **back,
        },
        status=400 if form.errors else 200,
    )


def trust_figures(request):
    """Trustees: per school, counts only (from the cached figures)."""
    require(request.user, "devices.view_figures")
    schools = list(School.objects.filter(pk__in=access_for(request.user).trust_school_ids))
    figures = figures_for("devices.summary", [s.pk for s in schools])
    rows = [(school, figures[school.pk]) for school in schools]
    return render(request, "devices/trust_figures.html", {"rows": rows})
