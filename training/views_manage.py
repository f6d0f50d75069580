"""The school's leads: the matrix (page, CSV, print, PDF), requirements, reminders, a
staff-room session, and what waits for them (records to verify, CPD requests)."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from esafety.exports import csv_response
from esafety.forms import add_errors
from esafety.once import redirect_as_done, was_already_done
from esafety.pdf import pdf_response, render_pdf
from esafety.views_people import get_school

from . import services
from .forms import DecideForm, MatrixFilter, RequirementForm, SessionForm
from .models import CPDRequest, CPDStatus, Requirement, TrainingRecord
from .selectors import matrix_rows
from .standard import install_standard_requirements
from .status import STATUS_LABELS, school_standings

MANAGE = "training.manage"


def _matrix(request, slug):
    school = get_school(request, slug, MANAGE)
    standings = school_standings([school.pk], timezone.localdate())[school.pk]
    form = MatrixFilter(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    return school, standings, form, matrix_rows(standings, **chosen)


def matrix(request, slug):
    school, standings, form, rows = _matrix(request, slug)
    return render(
        request,
        "training/matrix.html",
        {
            "school": school,
            "requirements": standings.requirements,
            # A school of 150 has 2,000 cells: each row's are written once here, not by the
            # template cell by cell.
            "rows": [
                (person, mark_safe("".join(_cell_html(cell) for cell in cells)))
                for person, cells in rows
            ],
            "form": form,
            "query": request.GET.urlencode(),
            "labels": STATUS_LABELS,
        },
    )


def _cell_html(cell):
    """One matrix cell: its status in words, with the dates (colour is only a help). Every
    part is the app's own text or a date, so nothing needs escaping."""
    if cell is None:
        return NOT_REQUIRED
    lines = [f'<span class="fw-semibold">{cell.label}</span>']
    if cell.done_on:
        lines.append(f'<span class="small">done {_day(cell.done_on)}</span>')
    if cell.due_on:
        word = "expires" if cell.done_on else "due"
        lines.append(f'<span class="small">{word} {_day(cell.due_on)}</span>')
    if not cell.verified:
        lines.append('<span class="small">not verified yet</span>')
    return mark_safe(f'<td class="cell-{cell.status}">{"<br>".join(lines)}</td>')


# A dash keeps the eye on the cells that matter; a screen reader hears the words.
NOT_REQUIRED = mark_safe(
    '<td class="cell-na"><span aria-hidden="true">–</span>'
    '<span class="visually-hidden">Not required</span></td>'
)


def _day(day):
    return f"{day.day} {day:%b %Y}"


def matrix_csv(request, slug):
    school, standings, _, rows = _matrix(request, slug)
    header = ["Name", "Role"] + [
        f"{r.title} {what}" for r in standings.requirements for what in ("status", "done", "due")
    ]
    return csv_response(
        f"training-matrix-{school.slug}-{timezone.localdate():%Y-%m-%d}.csv",
        header,
        ([person.name, person.description, *_csv_cells(cells)] for person, cells in rows),
    )


def _csv_cells(cells):
    for cell in cells:
        if cell is None:
            yield from ("Not required", "", "")
        else:
            status = cell.label + ("" if cell.verified else " (not verified yet)")
            yield from (status, _iso(cell.done_on), _iso(cell.due_on))


def _iso(day):
    return day.isoformat() if day else ""


def _print_context(request, slug):
    school, standings, form, rows = _matrix(request, slug)
    return school, {
        "school": school,
        "requirements": standings.requirements,
        "rows": [
            (person, [(r, c) for r, c in zip(standings.requirements, cells, strict=True) if c])
            for person, cells in rows
        ],
        "form": form,
        "query": request.GET.urlencode(),
        "printed_on": timezone.localdate(),
        "summary": _summary(standings, rows),
    }


def _summary(standings, rows):
    """Per requirement, for the people shown: how many must have it, and how many are
    done, due soon, and overdue or missing (the first thing an inspector asks)."""
    summary = []
    for index, requirement in enumerate(standings.requirements):
        cells = [cells[index] for _, cells in rows if cells[index] is not None]
        count = Counter(cell.status for cell in cells)
        summary.append(
            (
                requirement,
                len(cells),
                count["done"],
                count["due"],
                count["overdue"] + count["missing"],
            )
        )
    return summary


def matrix_print(request, slug):
    _, context = _print_context(request, slug)
    return render(request, "training/matrix_print.html", context)


def matrix_pdf(request, slug):
    """For inspectors: one row per person and requirement, so it fits A4 at any size."""
    school, context = _print_context(request, slug)
    pdf = render_pdf("training/matrix_pdf.html", context, school=school, title="Training matrix")
    return pdf_response(pdf, f"training-matrix-{school.slug}-{timezone.localdate():%Y-%m-%d}.pdf")


@require_http_methods(["GET", "POST"])
def requirements(request, slug):
    school = get_school(request, slug, MANAGE)
    if request.method == "POST":
        added = install_standard_requirements(school, by=request.user)
        messages.success(request, f"Added {len(added)} standard requirement(s).")
        return redirect("training-requirements", slug=school.slug)
    found = Requirement.objects.filter(school=school).select_related("document")
    return render(request, "training/requirements.html", {"school": school, "requirements": found})


def _documents(school):
    from agreements.models import Document

    return Document.objects.filter(school=school).order_by("title")


@require_http_methods(["GET", "POST"])
def requirement_edit(request, slug, pk=None):
    school = get_school(request, slug, MANAGE)
    requirement = (
        get_object_or_404(Requirement.objects.filter(school=school), pk=pk)
        if pk is not None
        else Requirement(school=school)
    )
    form = RequirementForm(request.POST or None, instance=requirement, documents=_documents(school))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_requirement(requirement=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved: {requirement.title}.")
            return redirect(requirement.get_absolute_url())
    return render(
        request,
        "training/requirement_form.html",
        {"school": school, "form": form, "requirement": requirement},
    )


def requirement_detail(request, slug, pk):
    """Who must have it and where each stands; the missing ones first."""
    school = get_school(request, slug, MANAGE)
    requirement = get_object_or_404(
        Requirement.objects.filter(school=school).select_related("document"), pk=pk
    )
    standings = school_standings(
        [school.pk], timezone.localdate(), requirements=Requirement.objects.filter(pk=pk)
    )[school.pk]
    rows = sorted(
        standings.for_requirement(requirement),
        key=lambda row: (row[1].status == "done", row[0].name.lower()),
    )
    return render(
        request,
        "training/requirement.html",
        {
            "school": school,
            "requirement": requirement,
            "rows": rows,
            "outstanding": sum(1 for _, cell in rows if cell.status != "done"),
        },
    )


@require_POST
def requirement_remind(request, slug, pk):
    school = get_school(request, slug, MANAGE)
    requirement = get_object_or_404(Requirement.objects.filter(school=school), pk=pk)
    try:
        sent = services.remind_outstanding(requirement=requirement, by=request.user)
        messages.success(request, f"Reminder sent to {sent} {'person' if sent == 1 else 'people'}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(requirement.get_absolute_url())


@require_http_methods(["GET", "POST"])
def session(request, slug):
    """A whole session at once: choose the training, tick who was there."""
    school = get_school(request, slug, MANAGE)
    today = timezone.localdate()
    form = SessionForm(
        request.POST or None,
        requirements=Requirement.objects.filter(school=school, is_active=True),
        people=services.session_people(school, today=today),
        initial={"completed_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.record_session(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"Recorded {form.cleaned_data['requirement'].title} for {len(created)} "
                f"{'person' if len(created) == 1 else 'people'}.",
            )
            return redirect("training-matrix", slug=school.slug)
    return render(request, "training/session.html", {"school": school, "form": form})


def inbox(request, slug):
    """Records waiting to be verified and CPD requests waiting for a decision."""
    school = get_school(request, slug, MANAGE)
    to_verify = (
        TrainingRecord.objects.filter(
            school=school, completed_on__isnull=False, verified_at__isnull=True
        )
        .exclude(person=request.user)
        .select_related("person", "requirement")
        .order_by("completed_on", "pk")
    )
    requests = CPDRequest.objects.filter(school=school).select_related("requested_by", "decided_by")
    return render(
        request,
        "training/inbox.html",
        {
            "school": school,
            "to_verify": to_verify,
            "open_requests": [r for r in requests if r.status == CPDStatus.OPEN],
            "decided": [r for r in requests if r.status != CPDStatus.OPEN][:20],
        },
    )


@require_http_methods(["GET", "POST"])
def cpd_decide(request, slug, pk):
    school = get_school(request, slug, MANAGE)
    cpd = get_object_or_404(
        CPDRequest.objects.filter(school=school).select_related("requested_by"), pk=pk
    )
    if request.method == "POST" and cpd.status != CPDStatus.OPEN:  # a second click
        return redirect_as_done(
            request, services.DECIDED_ALREADY, "training-inbox", slug=school.slug
        )
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_cpd(
                request=cpd,
                by=request.user,
                approve=data["decision"] == "approve",
                due_on=data["due_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "training-inbox", slug=slug)
            add_errors(form, error)
        else:
            messages.success(request, f"Decided. {cpd.requested_by} has been told.")
            return redirect("training-inbox", slug=school.slug)
    return render(request, "training/cpd_decide.html", {"school": school, "cpd": cpd, "form": form})
