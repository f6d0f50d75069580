"""The yearly register sign-off (headteacher, then a trustee) with its frozen PDF, and
linking an incident to a risk from the incident's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from esafety.forms import add_errors
from esafety.once import redirect_as_done, was_already_done
from esafety.params import parse_id
from esafety.pdf import pdf_response
from esafety.roles import allowed, require
from esafety.views_people import get_school
from incidents.models import Incident

from . import services
from .forms import LinkIncidentForm, SignOffForm
from .models import RegisterSignOff, Risk


def signoffs(request, slug):
    school = get_school(request, slug, "risks.view_sign_offs")
    this_year = RegisterSignOff.objects.defer("pdf").this_year(school)
    if request.method == "POST" and this_year and this_year.signed_by_id == request.user.pk:
        # Their second click; anyone else still meets the rule below.
        return redirect_as_done(request, services.SIGNED_ALREADY, "risk-signoffs", slug=slug)
    # The form only while the rule lets this person sign (the head, once a school year).
    can_sign = allowed(request.user, "risks.sign_register", school)
    form = SignOffForm(request.POST or None) if can_sign else None
    if request.method == "POST":
        require(request.user, "risks.sign_register", school)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.sign_register(school=school, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if was_already_done(error):
                    return redirect_as_done(request, error.message, "risk-signoffs", slug=slug)
                add_errors(form, error)
            else:
                messages.success(
                    request, "The register is signed off. A trustee can now approve it."
                )
                return redirect("risk-signoffs", slug=school.slug)
    records = list(school.risk_sign_offs.defer("pdf").select_related("signed_by"))
    for record in records:
        record.can_approve = allowed(request.user, "risks.approve_register", record)
    return render(
        request,
        "risks/signoffs.html",
        {
            "school": school,
            "records": records,
            "form": form,
            "this_year": next((r for r in records if this_year and r.pk == this_year.pk), None),
            # The head's name for the school's leads; trustees read "the headteacher".
            "names_shown": allowed(request.user, "risks.manage", school),
        },
        status=400 if request.method == "POST" else 200,
    )


def _get_signoff(request, pk, rule):
    record = get_object_or_404(RegisterSignOff.objects.select_related("school"), pk=pk)
    get_school(request, record.school.slug, "risks.view_sign_offs")
    require(request.user, rule, record)
    return record


def signoff_approve(request, pk):
    record = _get_signoff(request, pk, "risks.view_sign_offs")
    signoffs = reverse("risk-signoffs", args=[record.school.slug])
    if request.method == "POST" and record.approved_by_id == request.user.pk:  # a second click
        return redirect_as_done(request, services.APPROVED_ALREADY, signoffs)
    require(request.user, "risks.approve_register", record)
    if request.method == "POST":
        try:
            services.approve_register(sign_off=record, by=request.user)
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, signoffs)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "You approved the risk register.")
    return redirect(signoffs)


def signoff_pdf(request, pk):
    """The register exactly as it was signed; refused if the stored copy no longer matches."""
    record = _get_signoff(request, pk, "risks.view_sign_offs")
    pdf = bytes(record.pdf)
    if services.pdf_hash(pdf) != record.pdf_sha256:
        return HttpResponse(
            "The stored register no longer matches what was signed. Tell the headteacher.",
            status=409,
            content_type="text/plain",
        )
    return pdf_response(pdf, f"risk-register-{record.school.slug}-{record.year}.pdf")


def _linked_to(incident, posted) -> Risk | None:
    pk = parse_id(posted)
    if pk is None:
        return None
    return Risk.objects.filter(incident_links__incident=incident, pk=pk).first()


def link_incident(request, incident_pk):
    """From an incident's page: link it to a risk, or raise a new risk from it."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("school"), pk=incident_pk
    )
    require(request.user, "incidents.manage", incident)
    require(request.user, "risks.manage", incident.school)
    # The school's own risks, and its trust's trust-wide risks (kept by the chair).
    risks = (
        Risk.objects.filter(services.linkable_q(incident))
        .live()
        .exclude(incident_links__incident=incident)
        .order_by(F("school").asc(nulls_last=True), "number")
    )
    linked = list(Risk.objects.filter(incident_links__incident=incident))
    form = LinkIncidentForm(request.POST or None, risks=risks)
    if request.method == "POST" and form.is_valid():
        risk = form.cleaned_data["risk"]
        try:
            services.link_incident(risk=risk, incident=incident, by=request.user)
        except ValidationError as error:
            if was_already_done(error):  # a click at the same moment linked it
                return redirect_as_done(request, error.message, risk)
            add_errors(form, error)
        else:
            messages.success(
                request, f"Incident {incident.reference} is linked to {risk.reference}."
            )
            return redirect(risk)
    elif request.method == "POST" and (risk := _linked_to(incident, request.POST.get("risk"))):
        # Not offered because a click before this one linked it: land where that one did.
        return redirect_as_done(
            request, f"Incident {incident.reference} is linked to {risk.reference}.", risk
        )
    return render(
        request,
        "risks/link_incident.html",
        {"incident": incident, "form": form, "linked": linked},
        status=400 if request.method == "POST" else 200,
    )
