"""The governance dashboard, its figures' definitions and CSV, the trust's setting for small
numbers, the overdue actions behind a figure, and the termly reports. Views are thin: the
content comes from board.py (figures) and services.py (changes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.exports import csv_response
from esafety.models import School, Trust
from esafety.pdf import pdf_response
from esafety.roles import access_for, allowed, managed_school_ids, require

from . import services
from .board import staff_concerns_in
from .forms import NarrativeForm, SettingsForm
from .models import TermlyReport
from .pdf import draft_pdf, render_signed, report_period, report_schools
from .rows import board_for, board_rows
from .rules import report_scope_q, seen_trust_ids
from .sections import definitions as plugged_definitions
from .terms import PERIOD_CHOICES, month_choices, term_on


def _trust(request, pk) -> Trust:
    trust = get_object_or_404(Trust.objects.filter(pk__in=seen_trust_ids(request.user)), pk=pk)
    require(request.user, "governance.view_trust", trust)
    return trust


def _school(request, slug) -> School:
    school = get_object_or_404(School.objects.visible_to(request.user), slug=slug)
    require(request.user, "governance.view_school", school)
    return school


def home(request):
    """Straight to the one dashboard a person has; a choice when they have several."""
    require(request.user, "governance.use")
    trusts = list(Trust.objects.filter(pk__in=access_for(request.user).trust_ids))
    schools = list(School.objects.filter(pk__in=managed_school_ids(request.user)))
    if len(trusts) + len(schools) == 1:
        if trusts:
            return redirect("governance-trust", pk=trusts[0].pk)
        return redirect("governance-school", slug=schools[0].slug)
    return render(request, "governance/home.html", {"trusts": trusts, "schools": schools})


def _dashboard(request, trust, school, schools, *, picker_url):
    board, period = board_for(
        request.user, request.GET, trust=trust, school=school, schools=schools
    )
    today = timezone.localdate()
    term = term_on(today)
    reports = TermlyReport.objects.filter(report_scope_q(request.user), trust=trust, term=term.key)
    reports = reports.filter(school=school) if school else reports
    return render(
        request,
        "governance/dashboard.html",
        {
            "trust": trust,
            "school": school,
            "schools": schools,
            "board": board,
            "period": period,
            "period_choices": PERIOD_CHOICES,
            "month_choices": month_choices(today),
            "picker_url": picker_url,
            "is_trust_view": access_for(request.user).trust_ids
            and trust.pk in access_for(request.user).trust_ids,
            "reports": reports.select_related("school"),
            "term": term,
            "csv_url": (
                reverse("governance-school-csv", args=[school.slug])
                if school and not request.GET.get("school")
                else reverse("governance-trust-csv", args=[trust.pk])
            )
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
            "can_change_settings": allowed(request.user, "governance.change_settings", trust),
        },
    )


def trust_dashboard(request, pk):
    trust = _trust(request, pk)
    schools = list(School.objects.filter(trust=trust).order_by("name"))
    school = None
    if slug := request.GET.get("school"):
        school = next((s for s in schools if s.slug == slug), None)
        if school is None:
            raise Http404("No such school in this trust.")
    url = reverse("governance-trust", args=[trust.pk])
    return _dashboard(request, trust, school, schools, picker_url=url)


def school_dashboard(request, slug):
    school = _school(request, slug)
    schools, url = [school], reverse("governance-school", args=[school.slug])
    if allowed(request.user, "governance.view_trust", school.trust):
        # A trustee: the picker moves between the trust's schools (the trust's page).
        schools = list(School.objects.filter(trust_id=school.trust_id).order_by("name"))
        url = reverse("governance-trust", args=[school.trust_id])
    return _dashboard(request, school.trust, school, schools, picker_url=url)


def _csv(request, trust, school, schools, filename):
    board, period = board_for(
        request.user, request.GET, trust=trust, school=school, schools=schools
    )
    rows = board_rows(board)
    header = (f"Figure ({period.label})", "Item", "Series", "Value", "Detail")
    return csv_response(filename, header, rows)


def trust_csv(request, pk):
    trust = _trust(request, pk)
    schools = list(School.objects.filter(trust=trust).order_by("name"))
    school = None
    if slug := request.GET.get("school"):
        school = next((s for s in schools if s.slug == slug), None)
        if school is None:
            raise Http404("No such school in this trust.")
    return _csv(request, trust, school, schools, "governance-figures.csv")


def school_csv(request, slug):
    school = _school(request, slug)
    return _csv(request, school.trust, school, [school], f"governance-{school.slug}.csv")


def definitions(request):
    require(request.user, "governance.use")
    return render(request, "governance/definitions.html", {"plugged": plugged_definitions()})


def trust_settings(request, pk):
    """The chair switches the small-number rule for the trust; every change is kept."""
    trust = _trust(request, pk)
    require(request.user, "governance.change_settings", trust)
    current = services.settings_for(trust)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.change_settings(
            trust=trust,
            by=request.user,
            small_counts_under=form.cleaned_data["small_counts_under"],
        )
        messages.success(request, "Setting saved.")
        return redirect("governance-settings", pk=trust.pk)
    history = current.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "governance/settings.html",
        {
            "trust": trust,
            "form": form,
            "current": current,
            "history": history if current.pk else [],
        },
    )


def overdue_actions(request, slug):
    """What stands behind "N overdue actions" for the school's leads: the actions, their
    incident and owner (the incidents app's own visibility rules apply)."""
    from incidents.models import ALLEGATION_SUBJECTS, TimelineEntry

    school = _school(request, slug)
    require(request.user, "governance.view_overdue_actions", school)
    actions = (
        TimelineEntry.objects.actions_visible_to(request.user)
        .filter(incident__school=school, done_at__isnull=True, due_on__lt=timezone.localdate())
        .exclude(incident__subject__in=ALLEGATION_SUBJECTS)
        .exclude(incident__status="draft")
        .select_related("incident__school", "owner")
        .order_by("due_on", "pk")
    )
    return render(
        request, "governance/overdue_actions.html", {"school": school, "actions": actions[:200]}
    )


# --- termly reports ---------------------------------------------------------------------


def reports(request):
    require(request.user, "governance.use")
    found = (
        TermlyReport.objects.filter(report_scope_q(request.user))
        .select_related("school", "trust")
        .order_by("-term", "school__name")
    )
    mine = set(found.filter(reads__reader=request.user).values_list("pk", flat=True))
    term = term_on(timezone.localdate())
    startable = [
        s
        for s in School.objects.filter(pk__in=managed_school_ids(request.user)).order_by("name")
        if allowed(request.user, "governance.start_school_report", s)
    ]
    chaired = Trust.objects.filter(pk__in=access_for(request.user).chair_trust_ids)
    return render(
        request,
        "governance/reports.html",
        {
            "reports": found[:200],
            "read": mine,
            "term": term,
            "startable": startable,
            "chaired": chaired,
        },
    )


@require_POST
def start_school_report(request, slug):
    school = _school(request, slug)
    require(request.user, "governance.start_school_report", school)
    term = term_on(timezone.localdate())
    report = services.start_report(trust=school.trust, school=school, term=term, by=request.user)
    return redirect(report)


@require_POST
def start_trust_report(request, pk):
    trust = _trust(request, pk)
    require(request.user, "governance.start_trust_report", trust)
    term = term_on(timezone.localdate())
    report = services.start_report(trust=trust, school=None, term=term, by=request.user)
    return redirect(report)


def _report(request, pk, rule="governance.view_report") -> TermlyReport:
    report = get_object_or_404(
        TermlyReport.objects.filter(report_scope_q(request.user)).select_related(
            "school", "trust", "signed_by"
        ),
        pk=pk,
    )
    require(request.user, rule, report)
    return report


def _report_page(request, report, form, *, status=200):
    can_write = allowed(request.user, "governance.write_report", report)
    staff_concerns = None
    if allowed(request.user, "governance.see_staff_concerns", report.trust):
        staff_concerns = staff_concerns_in(report_schools(report), report_period(report).months)
    return render(
        request,
        "governance/report.html",
        {
            "report": report,
            "form": form if can_write else None,
            "can_sign": can_write,
            "can_mark_read": allowed(request.user, "governance.mark_read", report),
            "has_read": report.reads.filter(reader=request.user).exists(),
            "read_count": report.reads.count(),
            "previous": services.previous_report(report),
            "staff_concerns": staff_concerns,
        },
        status=status,
    )


def report_detail(request, pk):
    report = _report(request, pk)
    form = NarrativeForm(request.POST or None, instance=report)
    if request.method == "POST":
        require(request.user, "governance.write_report", report)
        if not form.is_valid():
            return _report_page(request, report, form, status=400)
        try:
            services.save_narrative(
                report=report, by=request.user, narrative=form.cleaned_data["narrative"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Draft saved.")
        return redirect(report)
    return _report_page(request, report, form)


@require_POST
def report_sign(request, pk):
    """Sign with the text in the form as it stands (saved first), so nothing typed is lost
    when "Sign" is pressed before "Save the draft"."""
    report = _report(request, pk)
    if report.is_signed and report.signed_by_id == request.user.pk:  # a second click
        messages.info(request, "You have already signed this report.")
        return redirect(report)
    require(request.user, "governance.write_report", report)
    narrative = None
    if "narrative" in request.POST:
        form = NarrativeForm(request.POST, instance=report)
        if not form.is_valid():
            return _report_page(request, report, form, status=400)
        narrative = form.cleaned_data["narrative"]
    try:
        services.sign_report(
            report=report, by=request.user, render=render_signed, narrative=narrative
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Signed. The trustees have been told it is ready to read.")
    return redirect(report)


def report_pdf(request, pk):
    """The signed PDF exactly as signed (refused if the stored copy no longer matches), or
    the draft as it stands now."""
    report = _report(request, pk)
    name = f"online-safety-report-{report.term}-{report.school.slug if report.school else 'trust'}"
    if report.is_signed:
        if not report.pdf_matches:
            return HttpResponse(
                "The stored report no longer matches what was signed. Tell the headteacher.",
                status=409,
                content_type="text/plain",
            )
        return pdf_response(bytes(report.pdf), f"{name}.pdf")
    return pdf_response(draft_pdf(report), f"{name}-draft.pdf")


@require_POST
def report_read(request, pk):
    report = _report(request, pk, "governance.mark_read")
    services.mark_read(report=report, by=request.user)
    messages.success(request, "Marked as read. Thank you.")
    return redirect(report)
