"""The self-review's pages. Thin: fetch in scope (outside it: 404), check the named rule
(in scope but not allowed: 403), call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from esafety.forms import add_errors
from esafety.models import School
from esafety.pdf import pdf_response
from esafety.roles import access_for, allowed, require
from esafety.views_people import get_school

from . import selectors, services
from .evidence import evidence_for
from .forms import ActionForm, DoneForm, RatingForm, SummaryForm
from .framework import BY_KEY, LEVELS
from .models import ActionItem, SelfReview
from .pdf import review_pdf


def school_reviews(request, slug):
    """A school's reviews by year, and this year's levels beside last year's."""
    school = get_school(request, slug, "selfreview.view_school")
    manages = allowed(request.user, "selfreview.start", school)
    reviews = list(school.self_reviews.order_by("-year_start"))
    for review in reviews:
        review.can_open = manages or review.head_signed_at is not None
    columns, rows = selectors.levels_table([school], signed_only=not manages)
    this_year = services.this_year_start(school)
    return render(
        request,
        "selfreview/school.html",
        {
            "school": school,
            "reviews": reviews,
            "columns": columns,
            "rows": rows,
            "levels": LEVELS,
            "can_start": manages and not any(r.year_start == this_year for r in reviews),
        },
    )


def start(request, slug):
    school = get_school(request, slug, "selfreview.start")
    if request.method != "POST":
        return redirect("selfreview-school", slug=school.slug)
    review = services.start_review(school=school, by=request.user)
    return redirect(review)


def get_review(request, pk, rule="selfreview.view") -> SelfReview:
    """The review if the person may see its school (else 404) and the rule allows (403)."""
    review = get_object_or_404(
        SelfReview.objects.select_related("school__trust", "head_signed_by", "chair_signed_by"),
        pk=pk,
        school__in=School.objects.visible_to(request.user),
    )
    require(request.user, rule, review)
    return review


def detail(request, pk):
    review = get_review(request, pk)
    user = request.user
    names = allowed(user, "selfreview.see_names", review)
    rows = selectors.aspect_rows(review)
    can_edit = allowed(user, "selfreview.edit", review)
    return render(
        request,
        "selfreview/detail.html",
        {
            "review": review,
            "rows": rows,
            "flagged": sum(1 for row in rows if row.flag),
            "rated": sum(1 for row in rows if row.rating),
            "actions": selectors.plan(review, names=names),
            "names": names,
            "can_edit": can_edit,
            "can_head_sign": allowed(user, "selfreview.sign_head", review),
            "can_chair_sign": allowed(user, "selfreview.sign_chair", review),
            "missing": services.missing_for_signing(
                review,
                [r.rating for r in rows if r.rating],
                {r.aspect.key: r.evidence for r in rows},
            )
            if can_edit
            else [],
            "summary_form": SummaryForm(initial={"summary": review.summary}) if can_edit else None,
        },
    )


def _form_page(request, form, context):
    return render(
        request,
        "selfreview/form.html",
        {"form": form, **context},
        status=400 if request.method == "POST" else 200,
    )


def rate(request, pk, aspect):
    review = get_review(request, pk, "selfreview.edit")
    if aspect not in BY_KEY:
        raise Http404
    framework_aspect = BY_KEY[aspect]
    rating = review.ratings.filter(aspect=aspect).first()
    initial = {"level": rating.level, "notes": rating.notes} if rating else {}
    form = RatingForm(request.POST or None, initial=initial, aspect=framework_aspect)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate(review=review, by=request.user, aspect=aspect, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{framework_aspect.title} is rated.")
            return redirect(f"{review.get_absolute_url()}#aspect-{aspect}")
    evidence = evidence_for([review.school_id])[review.school_id][aspect]
    return _form_page(
        request,
        form,
        {
            "review": review,
            "title": f"Rate: {framework_aspect.title}",
            "aspect": framework_aspect,
            "evidence": evidence,
        },
    )


def summary(request, pk):
    review = get_review(request, pk, "selfreview.edit")
    form = SummaryForm(request.POST or None, initial={"summary": review.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_summary(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The summary is saved.")
            return redirect(review)
    return _form_page(request, form, {"review": review, "title": "Overall summary"})


SIGN_STEPS = {
    "head": ("selfreview.sign_head", services.sign_as_head, "You signed the self-review."),
    "chair": ("selfreview.sign_chair", services.sign_as_chair, "You signed as chair of trustees."),
}


def sign(request, pk, step):
    if step not in SIGN_STEPS:
        raise Http404
    rule, service, message = SIGN_STEPS[step]
    review = get_review(request, pk, "selfreview.view")
    if request.method != "POST":
        return redirect(review)
    signer = review.head_signed_by_id if step == "head" else review.chair_signed_by_id
    if signer != request.user.pk:  # the signer's second click gets the same page
        require(request.user, rule, review)
    try:
        review, now = service(review=review, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message if now else "This is already signed.")
    return redirect(review)


def action_add(request, pk):
    review = get_review(request, pk, "selfreview.edit")
    form = ActionForm(request.POST or None, owners=services.staff_of(review.school))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The action is added to the plan.")
            return redirect(f"{review.get_absolute_url()}#plan")
    return _form_page(request, form, {"review": review, "title": "Add an action to the plan"})


def action(request, pk):
    """One action: its owner (or the school's leads) sees it and marks it done."""
    item = get_object_or_404(
        ActionItem.objects.select_related("review__school", "owner"),
        pk=pk,
        review__school__in=School.objects.visible_to(request.user),
    )
    require(request.user, "selfreview.view_action", item)
    can_complete = allowed(request.user, "selfreview.complete_action", item)
    form = DoneForm(request.POST or None) if can_complete else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.complete_action(
                action=item,
                by=request.user,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The action is marked as done.")
            return redirect(item)
    return render(
        request,
        "selfreview/action.html",
        {
            "item": item,
            "form": form,
            "overdue": item.is_overdue(),
            "can_open_review": allowed(request.user, "selfreview.view", item.review),
            "aspect": BY_KEY.get(item.aspect),
        },
        status=400 if request.method == "POST" and form is not None else 200,
    )


def pdf(request, pk):
    review = get_review(request, pk)
    names = allowed(request.user, "selfreview.see_names", review)
    return pdf_response(
        review_pdf(review, names=names), f"self-review-{review.school.slug}-{review.year}.pdf"
    )


def trust(request):
    """Trustees: this year's levels beside last year's, for every school of their trust."""
    require(request.user, "selfreview.view_trust")
    schools = list(
        School.objects.filter(trust_id__in=access_for(request.user).trust_ids).order_by("name")
    )
    columns, rows = selectors.levels_table(schools, signed_only=True)
    return render(
        request,
        "selfreview/trust.html",
        {"columns": columns, "rows": rows, "levels": LEVELS, "today": timezone.localdate()},
    )
