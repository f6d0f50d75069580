"""Retention's pages: thin; the rules are in services.py, the records in each app's
retention.py. Every page is the school's leads' (the "esafety.retention" rule): others
in the school get 403, another school's people 404, trustees see nothing of it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..forms import add_errors
from ..models_retention import LegalHold, Tombstone
from ..once import FIELD, first_time, once_token, redirect_as_done, was_already_done
from ..subject_access.services import people_of
from ..views_people import get_school
from . import services
from .forms import HoldForm, LengthenForm, LiftForm
from .registry import get_rule, registered_rules, years_text

RULE = "esafety.retention"
SHOWN = 200  # tombstones on one page, newest first
LIFTED_SHOWN = 50


def _school(request, slug):
    return get_school(request, slug, RULE)


def _posted(request):
    return request.POST if request.method == "POST" else None


def review(request, slug):
    """What has reached its date, by rule; the officer ticks records and approves their
    destruction as one batch. Held records show why, and can't be ticked."""
    school = _school(request, slug)
    token = once_token(request)
    error = None
    if request.method == "POST":
        refs = request.POST.getlist("destroy")

        def approve():
            try:
                batch = services.approve_destruction(
                    school=school, by=request.user, refs=refs, token=request.POST.get(FIELD)
                )
            except ValidationError as problem:
                if was_already_done(problem):
                    return redirect_as_done(
                        request, problem.messages[0], "retention-tombstones", school.slug
                    )
                return _review_page(request, school, token, problem.messages, refs)
            messages.success(
                request,
                f"{batch.count} record{'s' if batch.count != 1 else ''} destroyed "
                f"(batch {batch.reference}). Each left a tombstone in the register.",
            )
            return redirect(reverse("retention-tombstones", args=[school.slug]))

        return first_time(
            request,
            approve,
            while_saving=reverse("retention-tombstones", args=[school.slug]),
            repeated="You sent this batch twice; it was destroyed once.",
        )
    return _review_page(request, school, token, error, [])


def _review_page(request, school, token, errors, ticked):
    groups = services.review(school, request.user)
    return render(
        request,
        "esafety/retention/review.html",
        {
            "school": school,
            "groups": groups,
            "total": sum(len(g.due) for g in groups),
            "once": token,
            "once_field": FIELD,
            "errors": errors,
            "ticked": set(ticked),
        },
        status=400 if errors else 200,
    )


def tombstones(request, slug):
    """The register of what was destroyed: kind, reference, dates, who approved, under
    which rule. Filtered by rule with ?rule=."""
    school = _school(request, slug)
    rules = registered_rules()
    chosen = request.GET.get("rule", "")
    rows = Tombstone.objects.filter(school=school).select_related("approved_by", "batch")
    if chosen:
        rows = rows.filter(rule_key=chosen)
    labels = {rule.key: rule.label for rule in rules}
    shown = list(rows[:SHOWN])
    for row in shown:
        row.rule_label = labels.get(row.rule_key, row.rule_key)
    return render(
        request,
        "esafety/retention/tombstones.html",
        {
            "school": school,
            "rules": rules,
            "chosen": chosen,
            "tombstones": shown,
            "count": rows.count(),
        },
    )


def holds(request, slug):
    """The school's legal holds, and the form to place one (on a person, or on a record
    from the review: ?record=app.model:pk)."""
    school = _school(request, slug)
    record = request.POST.get("record") or request.GET.get("record", "")
    found = None
    if record:
        due = {d.candidate.ref: d for g in services.review(school, request.user) for d in g.due}
        found = due.get(record)
        if found is None:
            raise Http404("No such record in the review.")
    form = HoldForm(
        _posted(request),
        people=people_of(school).order_by("full_name"),
        once=once_token(request),
        initial={"record": record},
    )
    if found:
        del form.fields["person"]

    def place():
        data = form.cleaned_data
        try:
            services.place_hold(
                school=school,
                by=request.user,
                reason=data["reason"],
                person=data.get("person"),
                record=record,
                record_label=found.candidate.title if found else "",
            )
        except ValidationError as error:
            add_errors(form, error)
            return _holds_page(request, school, form, found)
        messages.success(request, "The hold is placed: nothing it covers can be destroyed.")
        return redirect(reverse("retention-holds", args=[school.slug]))

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            place,
            while_saving=reverse("retention-holds", args=[school.slug]),
            repeated="You sent this hold twice; it was placed once.",
        )
    return _holds_page(request, school, form, found)


def _holds_page(request, school, form, found):
    user = request.user
    rows = LegalHold.objects.filter(school=school).select_related(
        "person", "placed_by", "lifted_by"
    )
    return render(
        request,
        "esafety/retention/holds.html",
        {
            "school": school,
            "form": form,
            "found": found,
            "active": services.holds_seen_by(list(rows.filter(lifted_at__isnull=True)), user),
            "lifted": services.holds_seen_by(
                list(rows.filter(lifted_at__isnull=False).order_by("-lifted_at")[:LIFTED_SHOWN]),
                user,
            ),
        },
        status=400 if form.errors else 200,
    )


def hold_lift(request, slug, pk):
    school = _school(request, slug)
    hold = get_object_or_404(
        LegalHold.objects.filter(school=school).select_related("person", "placed_by"), pk=pk
    )
    if not services.holds_seen_by([hold], request.user):
        raise Http404  # a hold on themselves, or on a record hidden from them
    back = reverse("retention-holds", args=[school.slug])
    if not hold.is_active:
        return redirect_as_done(request, "This hold was lifted already.", back)
    form = LiftForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_hold(hold=hold, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.messages[0], back)
            add_errors(form, error)
        else:
            messages.success(request, "The hold is lifted: its records are reviewed as usual.")
            return redirect(back)
    return render(
        request,
        "esafety/retention/lift.html",
        {"school": school, "hold": hold, "form": form, "cancel_url": back},
        status=400 if form.errors else 200,
    )


def schedule(request, slug):
    """Every rule: what it keeps, its source, the minimum and the school's period."""
    school = _school(request, slug)
    own = services.periods(school)
    rows = [
        {"rule": rule, "years": services.years_for(rule, own), "own": own.get(rule.key)}
        for rule in registered_rules()
    ]
    history = (
        services.RetentionPeriod.history.filter(school_id=school.pk)
        .select_related("history_user")
        .order_by("-history_date")[:30]
    )
    labels = {row["rule"].key: row["rule"].label for row in rows}
    history = list(history)
    for change in history:
        change.rule_label = labels.get(change.rule_key, change.rule_key)
    return render(
        request,
        "esafety/retention/schedule.html",
        {"school": school, "rows": rows, "history": history},
    )


def lengthen(request, slug, key):
    school = _school(request, slug)
    rule = get_rule(key)
    if rule is None:
        raise Http404("No such rule.")
    own = services.periods(school)
    current = own.get(rule.key)
    form = LengthenForm(
        _posted(request),
        minimum=rule.minimum_years,
        initial={
            "years": services.years_for(rule, own),
            "reason": current.reason if current else "",
        },
    )
    back = reverse("retention-schedule", args=[school.slug])
    if request.method == "POST" and form.is_valid():
        try:
            services.set_period(
                school=school,
                rule_key=rule.key,
                years=form.cleaned_data["years"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            kept = years_text(form.cleaned_data["years"])
            messages.success(request, f"{rule.label}: kept for {kept}.")
            return redirect(back)
    return render(
        request,
        "esafety/retention/lengthen.html",
        {"school": school, "rule": rule, "form": form, "cancel_url": back},
        status=400 if form.errors else 200,
    )
