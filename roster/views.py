"""The MIS sync's pages: its overview (upload a bundle, sync now, the runs), its settings,
and each run with what it did or would do."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from esafety.roles import require
from esafety.views_people import get_school

from . import services, tasks
from .forms import BundleForm, SourceForm
from .models import Outcome, RosterRun, RosterSource
from .oneroster import RosterProblem

RULE = "roster.manage"
RUNS_PER_PAGE = 20
ROWS_PER_PAGE = 100


def overview(request, slug):
    school = get_school(request, slug, RULE)
    source = RosterSource.objects.filter(school=school).first()
    form = None
    if source is not None and not source.is_rest:
        form = BundleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["bundle"]
            run = services.sync_bundle(
                school=school, data=upload.read(), filename=upload.name, by=request.user
            )
            return redirect("roster-run", pk=run.pk)
    runs = RosterRun.objects.visible_to(request.user).filter(school=school)
    page = Paginator(runs.select_related("started_by", "decided_by"), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "roster/overview.html",
        {
            "school": school,
            "source": source,
            "form": form,
            "page": page,
            "waiting": runs.waiting().first(),
        },
        status=400 if form is not None and form.errors else 200,
    )


def settings(request, slug):
    school = get_school(request, slug, RULE)
    source = RosterSource.objects.filter(school=school).first()
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SourceForm.Meta.fields}
        services.save_source(
            school=school,
            by=request.user,
            fields=fields,
            secret=form.cleaned_data.get("client_secret", ""),
        )
        messages.success(request, "MIS sync settings saved.")
        return redirect("roster", slug=school.slug)
    return render(
        request,
        "roster/settings.html",
        {"school": school, "form": form, "source": source},
        status=400 if form.errors else 200,
    )


@require_POST
def sync_now(request, slug):
    school = get_school(request, slug, RULE)
    source = RosterSource.objects.filter(school=school).first()
    if source is None or not source.is_rest:
        messages.error(request, "Set up a REST connection to your MIS first.")
        return redirect("roster", slug=school.slug)
    user_id = request.user.pk
    transaction.on_commit(lambda: tasks.sync_school.delay(source.pk, user_id))
    messages.success(
        request,
        "The sync has started. It takes a minute or two; its result appears below.",
    )
    return redirect("roster", slug=school.slug)


def _get_run(request, pk) -> RosterRun:
    run = get_object_or_404(
        RosterRun.objects.visible_to(request.user).select_related("school", "source"), pk=pk
    )
    require(request.user, RULE, run)
    return run


def run_detail(request, pk):
    run = _get_run(request, pk)
    outcome = request.GET.get("outcome", "")
    if outcome not in Outcome.values:
        outcome = ""
    rows = run.rows.all()
    if outcome:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    tallies = dict(run.rows.values_list("outcome").annotate(n=Count("pk")))
    return render(
        request,
        "roster/run.html",
        {
            "school": run.school,
            "run": run,
            "page": page,
            "outcome": outcome,
            "outcomes": [(value, label, tallies.get(value, 0)) for value, label in Outcome.choices],
        },
    )


@require_POST
def run_approve(request, pk):
    run = _get_run(request, pk)
    try:
        services.approve_run(run=run, by=request.user)
    except services.NotWaiting:
        messages.info(request, "This sync was already applied or discarded.")
    except services.PlanChanged:
        messages.warning(request, services.PlanChanged.message)
    except RosterProblem as problem:
        messages.error(request, f"The sync couldn't be applied, so nothing changed. {problem}")
    else:
        messages.success(request, "The sync was applied.")
    return redirect("roster-run", pk=run.pk)


@require_POST
def run_discard(request, pk):
    run = _get_run(request, pk)
    try:
        services.discard_run(run=run, by=request.user)
    except services.NotWaiting:
        messages.info(request, "This sync was already applied or discarded.")
    else:
        messages.success(request, "The sync was discarded. Nothing was changed.")
    return redirect("roster-run", pk=run.pk)
