"""My training, my records and requests, sessions offered to parents, and figures for
trustees. The school-wide pages are in views_manage.py and views_school.py."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from esafety.figures import figures_for
from esafety.forms import add_errors
from esafety.models import STAFF_ROLES, School
from esafety.once import redirect_as_done, was_already_done
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import allowed, require, schools_with_roles
from esafety.views_auth import safe_next

from . import services
from .forms import CompleteForm, CPDForm, RecordForm
from .models import CPDRequest, ParentSession, Requirement, TrainingRecord
from .selectors import my_records, my_standings, school_summaries, training_school_ids


def mine(request):
    require(request.user, "training.use")
    today = timezone.localdate()
    records = list(my_records(request.user))
    return render(
        request,
        "training/mine.html",
        {
            "rows": my_standings(request.user, today),
            # Training planned from an approved request is still to do, with its date.
            "planned": sorted((r for r in records if r.is_planned), key=lambda r: r.due_on),
            "records": [r for r in records if not r.is_planned],
            "today": today,
        },
    )


def mine_pdf(request):
    require(request.user, "training.use")
    today = timezone.localdate()
    pdf = render_pdf(
        "training/mine_pdf.html",
        {
            "person": request.user,
            "rows": my_standings(request.user, today),
            "records": [r for r in my_records(request.user) if r.completed_on],
            "today": today,
        },
        title=f"Training record: {request.user.full_name}",
    )
    return pdf_response(pdf, f"training-record-{timezone.localdate():%Y-%m-%d}.pdf")


def _home_school(user):
    """Where free-standing CPD is recorded: a school the person works at, else one of
    their trust's."""
    ids = sorted(schools_with_roles(user, STAFF_ROLES)) or sorted(training_school_ids(user))
    return School.objects.get(pk=ids[0])


def _my_requirements(user):
    """One requirement per kind of training this person must have (trust-wide ones once)."""
    ids = [r.pk for _, r, _ in my_standings(user, timezone.localdate())]
    return Requirement.objects.filter(pk__in=ids).order_by("title")


@require_http_methods(["GET", "POST"])
def record_add(request):
    require(request.user, "training.use")
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        requirements=_my_requirements(request.user),
        initial={"requirement": request.GET.get("requirement")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requirement = data["requirement"]
        try:
            record = services.record_training(
                person=request.user,
                school=requirement.school if requirement else _home_school(request.user),
                by=request.user,
                requirement=requirement,
                title=data["title"],
                completed_on=data["completed_on"],
                provider=data["provider"],
                hours=data["hours"],
                notes=data["notes"],
                certificate=data["certificate"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"Recorded: {record.title}. The e-safety officer will check it."
            )
            return redirect("training-mine")
    return render(request, "training/record_form.html", {"form": form})


def _record(request, pk) -> TrainingRecord:
    return get_object_or_404(
        TrainingRecord.objects.visible_to(request.user).select_related(
            "person", "school", "requirement", "verified_by", "recorded_by"
        ),
        pk=pk,
    )


def record_detail(request, pk):
    record = _record(request, pk)
    return render(
        request,
        "training/record.html",
        {
            "record": record,
            "can_verify": allowed(request.user, "training.verify", record),
        },
    )


def record_certificate(request, pk):
    record = _record(request, pk)
    if not record.certificate:
        raise Http404
    content_type = mimetypes.guess_type(record.certificate.name)[0] or "application/octet-stream"
    response = FileResponse(
        record.certificate.open("rb"),
        as_attachment=True,
        filename=record.certificate.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def record_verify(request, pk):
    record = _record(request, pk)
    back = safe_next(request, default=record.get_absolute_url())  # only this site's pages
    if record.verified_by_id == request.user.pk:  # their second click
        return redirect_as_done(request, "You verified this record already.", back)
    require(request.user, "training.verify", record)
    try:
        services.verify(record=record, by=request.user)
        messages.success(request, f"Verified: {record.person}, {record.title}.")
    except ValidationError as error:
        if was_already_done(error):
            return redirect_as_done(request, error.message, back)
        messages.error(request, " ".join(error.messages))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def record_complete(request, pk):
    record = _record(request, pk)
    if request.method == "POST" and record.person_id == request.user.pk and record.completed_on:
        # Their second click: the rule below lets only planned training be recorded done.
        return redirect_as_done(request, services.TRAINING_DONE_ALREADY, "training-mine")
    require(request.user, "training.complete_planned", record)
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_planned(record=record, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "training-mine")
            add_errors(form, error)
        else:
            messages.success(request, f"Recorded as done: {record.title}.")
            return redirect("training-mine")
    return render(request, "training/complete_form.html", {"form": form, "record": record})


@require_http_methods(["GET", "POST"])
def cpd_mine(request):
    """Ask for training, and see what became of earlier requests."""
    require(request.user, "training.ask_cpd")
    form = CPDForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_for_cpd(
                school=_home_school(request.user), by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Sent. The e-safety officer will reply here.")
            return redirect("training-cpd-mine")
    requests = CPDRequest.objects.filter(requested_by=request.user).select_related(
        "decided_by", "planned_record"
    )
    return render(request, "training/cpd_mine.html", {"form": form, "requests": requests})


def parent_invitations(request):
    """The online-safety sessions this parent was invited to."""
    require(request.user, "training.view_parent_sessions")
    sessions = (
        ParentSession.objects.visible_to(request.user)
        .filter(invited=request.user)
        .select_related("school")
        .order_by("-starts_at")
    )
    return render(
        request,
        "training/parent_invitations.html",
        {"sessions": sessions, "now": timezone.now()},
    )


def figures(request):
    """Percentages per requirement and school, and parents' sessions: never names."""
    schools = [
        school
        for school in School.objects.visible_to(request.user).order_by("name")
        if allowed(request.user, "training.view_figures", school)
    ]
    if not schools:
        require(request.user, "training.use_figures")
    ids = [s.pk for s in schools]
    compliance = figures_for("training.compliance", ids)
    sessions = figures_for("training.parent_sessions", ids)
    return render(
        request,
        "training/figures.html",
        {
            "schools": [(s, compliance[s.pk], sessions[s.pk]) for s in schools],
            "summaries": school_summaries(schools, compliance, sessions, timezone.localdate()),
        },
    )
