"""Pages of the low-level concerns log. Thin: rules in rules.py, work in services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from esafety.forms import add_errors
from esafety.once import first_time, once_token, redirect_as_done, was_already_done
from esafety.params import parse_id
from esafety.roles import allowed, require
from esafety.views_people import get_school

from . import services
from .forms import ConcernForm, ReferForm, ResponseForm
from .models import LowLevelConcern, Status
from .rules import trust_pattern_q

REVIEWED_SHOWN = 50


def concern_create(request, slug):
    school = get_school(request, slug, "concerns.raise")
    form = ConcernForm(request.POST or None, school=school, once=once_token(request))
    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            lambda: _raise(request, school, form),
            while_saving="home",
            repeated="You sent this twice; it was recorded once.",
        )
    return render(
        request,
        "concerns/form.html",
        {"school": school, "form": form},
        status=400 if form.errors else 200,
    )


def _raise(request, school, form):
    data = form.cleaned_data
    concern = services.raise_concern(
        school=school,
        by=request.user,
        about=data["about"],
        what_happened=data["what_happened"],
        happened_on=data["happened_on"],
        context=data["context"],
    )
    messages.success(request, f"Thank you. Your concern was recorded as {concern.number}.")
    return redirect("concern-sent", slug=school.slug)


def concern_sent(request, slug):
    school = get_school(request, slug, "concerns.raise")
    return render(request, "concerns/sent.html", {"school": school})


def concern_list(request, slug):
    school = get_school(request, slug, "concerns.review")
    rows = (
        LowLevelConcern.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("about", "reported_by")
    )
    return render(
        request,
        "concerns/list.html",
        {
            "school": school,
            "to_review": rows.filter(status=Status.TO_REVIEW).order_by("reported_at", "pk"),
            "reviewed": rows.exclude(status=Status.TO_REVIEW)[:REVIEWED_SHOWN],
            "people": services.patterns(rows)[:10],
        },
    )


def get_concern(request, pk) -> LowLevelConcern:
    concern = get_object_or_404(
        LowLevelConcern.objects.visible_to(request.user).select_related(
            "school__trust", "about", "reported_by", "routed_to", "decided_by", "referred_incident"
        ),
        pk=pk,
    )
    require(request.user, "concerns.view", concern)
    return concern


def _detail(request, concern, response_form=None, refer_form=None, status=200):
    others = (
        LowLevelConcern.objects.visible_to(request.user)
        .filter(school=concern.school, about=concern.about)
        .exclude(pk=concern.pk)
        .count()
    )
    changes = concern.history.select_related("history_user").order_by("history_date")
    return render(
        request,
        "concerns/detail.html",
        {
            "concern": concern,
            "school": concern.school,
            "others": others,
            "changes": changes,
            "may_decide": concern.status == Status.TO_REVIEW
            and allowed(request.user, "concerns.decide", concern),
            "response_form": response_form or ResponseForm(),
            "refer_form": refer_form or ReferForm(),
            "pattern": others + 1 >= services.PATTERN_AT,
        },
        status=status,
    )


def concern_detail(request, pk):
    return _detail(request, get_concern(request, pk))


@require_POST
def concern_respond(request, pk):
    concern = get_concern(request, pk)
    require(request.user, "concerns.decide", concern)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.record_response(
                concern=concern,
                by=request.user,
                response=form.cleaned_data["response"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "concern-detail", pk=pk)
            add_errors(form, error)
        else:
            messages.success(request, f"Your response to {concern.number} was recorded.")
            return redirect("concern-detail", pk=pk)
    return _detail(request, concern, response_form=form, status=400)


@require_POST
def concern_refer(request, pk):
    concern = get_concern(request, pk)
    require(request.user, "concerns.decide", concern)
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            incident = services.refer_as_allegation(
                concern=concern, by=request.user, notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "concern-detail", pk=pk)
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{concern.number} was referred as an allegation: incident {incident.reference}.",
            )
            return redirect("concern-detail", pk=pk)
    return _detail(request, concern, refer_form=form, status=400)


def concern_patterns(request, slug):
    school = get_school(request, slug, "concerns.review")
    rows = LowLevelConcern.objects.visible_to(request.user).filter(school=school)
    return render(
        request,
        "concerns/patterns.html",
        {"school": school, "people": services.patterns(rows), "pattern_at": services.PATTERN_AT},
    )


def concern_person(request, slug, user_pk):
    """Every concern about one person at the school that the viewer may see: none, and the
    page is not found (it tells nobody whether a person has concerns they can't see)."""
    school = get_school(request, slug, "concerns.review")
    if parse_id(user_pk) is None:  # an id no column holds: not a person
        raise Http404("No such person")
    concerns = list(
        LowLevelConcern.objects.visible_to(request.user)
        .filter(school=school, about_id=user_pk)
        .select_related("about", "reported_by", "decided_by", "referred_incident")
        .order_by("reported_at", "pk")
    )
    if not concerns:
        raise Http404("No concerns")
    return render(
        request,
        "concerns/person.html",
        {"school": school, "person": concerns[0].about, "concerns": concerns},
    )


def trust_patterns(request):
    require(request.user, "concerns.trust_patterns")
    rows = LowLevelConcern.objects.visible_to(request.user).filter(trust_pattern_q(request.user))
    return render(
        request,
        "concerns/trust_patterns.html",
        {"people": services.patterns(rows, by_school=True), "pattern_at": services.PATTERN_AT},
    )
