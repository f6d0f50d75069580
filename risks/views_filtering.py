"""Filtering and monitoring pages: the overview with the checks and decision logs, the
review record, its sign-offs and PDF. Thin: fetch in scope, check the rule, call a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from esafety.figures import figure_for
from esafety.forms import add_errors
from esafety.pdf import pdf_response
from esafety.roles import allowed, require
from esafety.views_people import get_school
from incidents.models import Incident

from . import filtering
from .forms import ActionForm
from .forms_filtering import CheckForm, DecisionForm, ReviewForm
from .models import FilteringReview
from .pdf import review_pdf

SHOWN = 50


def filtering_overview(request, slug):
    school = get_school(request, slug, "risks.view_filtering")
    logs = allowed(request.user, "risks.log_filtering", school)
    checks = school.filtering_checks.select_related("checked_by", "incident__school")
    return render(
        request,
        "risks/filtering.html",
        {
            "school": school,
            "figures": figure_for("risks.filtering", school.pk, exact=True),
            "reviews": school.filtering_reviews.order_by("-opened_at")[:10],
            "checks": checks[:SHOWN] if logs else [],
            "decisions": school.filter_decisions.select_related("decided_by")[:SHOWN]
            if logs
            else [],
            "logs": logs,
            "manages": allowed(request.user, "risks.manage_filtering", school),
        },
    )


def _form_page(request, form, template_context, status_ok=200):
    return render(
        request,
        "risks/filtering_form.html",
        {"form": form, **template_context},
        status=400 if request.method == "POST" else status_ok,
    )


def check_create(request, slug):
    school = get_school(request, slug, "risks.log_filtering")
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = filtering.log_check(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if check.passed:
                messages.success(request, "The check is logged.")
            else:
                messages.warning(
                    request, "The failed check is logged. Report it as a filtering breach below."
                )
            return redirect("filtering", slug=school.slug)
    return _form_page(
        request, form, {"school": school, "title": "Log a filtering or monitoring check"}
    )


def check_incident(request, slug, pk):
    """A failed check becomes a filtering-breach incident for the e-safety officer."""
    school = get_school(request, slug, "risks.log_filtering")
    check = get_object_or_404(school.filtering_checks, pk=pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                incident = filtering.raise_incident_from_check(check=check, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Incident {incident.reference} was sent to {incident.routed_to or 'the school'}; "
                "an early filtering and monitoring review is open.",
            )
        return redirect("filtering", slug=school.slug)
    return render(request, "risks/check_incident.html", {"school": school, "check": check})


def decision_create(request, slug):
    school = get_school(request, slug, "risks.log_filtering")
    form = DecisionForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            filtering.record_decision(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The decision is recorded.")
            return redirect("filtering", slug=school.slug)
    return _form_page(
        request, form, {"school": school, "title": "Record a block or allow decision"}
    )


def review_start(request, slug):
    school = get_school(request, slug, "risks.manage_filtering")
    if request.method != "POST":
        return redirect("filtering", slug=school.slug)
    review = filtering.start_review(school=school, by=request.user)
    return redirect(review)


def get_review(request, pk, rule="risks.view_filtering_review") -> FilteringReview:
    review = get_object_or_404(FilteringReview.objects.select_related("school__trust"), pk=pk)
    get_school(request, review.school.slug, "risks.view_filtering")  # 404 outside scope
    require(request.user, rule, review)
    return review


def review_detail(request, pk):
    review = get_review(request, pk)
    user = request.user
    manages = allowed(user, "risks.manage_filtering", review.school)
    actions = list(review.actions.select_related("owner"))
    for action in actions:
        action.can_complete = allowed(user, "risks.complete_action", action)
    return render(
        request,
        "risks/filtering_review.html",
        {
            "review": review,
            "actions": actions,
            "names_hidden": not manages,
            "incidents": Incident.objects.visible_to(user)
            .filter(filtering_reviews=review)
            .select_related("school"),
            "can_edit": allowed(user, "risks.edit_filtering_review", review),
            "can_head_sign": allowed(user, "risks.sign_filtering_head", review),
            "can_trustee_sign": allowed(user, "risks.sign_filtering_trustee", review),
            "action_form": ActionForm(school=review.school) if manages else None,
            "manages": manages,
        },
    )


def review_edit(request, pk):
    review = get_review(request, pk, "risks.edit_filtering_review")
    form = ReviewForm(request.POST or None, instance=review, school=review.school)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in filtering.REVIEW_FIELDS}
        try:
            filtering.record_review(
                review=FilteringReview.objects.get(pk=review.pk), by=request.user, **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The review is saved.")
            return redirect(review)
    return _form_page(
        request, form, {"school": review.school, "review": review, "title": "Record the review"}
    )


SIGN_STEPS = {
    "head-sign": ("risks.sign_filtering_head", filtering.head_sign, "Signed off as headteacher."),
    "trustee-sign": ("risks.sign_filtering_trustee", filtering.trustee_sign, "Signed as trustee."),
}


def review_sign(request, pk, step):
    if step not in SIGN_STEPS:
        from django.http import Http404

        raise Http404
    rule, service, message = SIGN_STEPS[step]
    review = get_review(request, pk, rule)
    if request.method == "POST":
        try:
            service(review=review, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
    return redirect(review)


def review_action_add(request, pk):
    review = get_review(request, pk, "risks.manage_filtering")
    form = ActionForm(request.POST or None, school=review.school)
    if request.method == "POST" and form.is_valid():
        from .services import add_action

        try:
            add_action(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The action is added.")
            return redirect(review)
    return _form_page(
        request, form, {"school": review.school, "review": review, "title": "Add an action"}
    )


def review_pdf_view(request, pk):
    review = get_review(request, pk)
    return pdf_response(review_pdf(review), f"filtering-review-{review.pk}.pdf")
