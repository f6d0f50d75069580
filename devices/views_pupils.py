"""Confiscation and search pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from esafety.forms import add_errors
from esafety.models import Role, School, User
from esafety.once import redirect_as_done, was_already_done
from esafety.roles import allowed, require
from esafety.views_people import get_school
from incidents.people import describe, search_people

from . import pupils
from .forms import (
    PICKERS,
    ConfiscationForm,
    ReleaseForm,
    SearchForm,
    WhenForm,
    id_param,
    posted,
)
from .models import Confiscation, Search


def get_confiscation(request, pk, rule=None) -> Confiscation:
    confiscation = get_object_or_404(
        Confiscation.objects.visible_to(request.user).select_related(
            "school",
            "pupil",
            "confiscated_by",
            "parents_told_by",
            "released_by",
            "incident__school",
        ),
        pk=pk,
    )
    if rule:
        require(request.user, rule, confiscation)
    return confiscation


def confiscations(request, slug):
    """The office's list: devices held now (oldest first), then the last released."""
    school = get_school(request, slug, "devices.view_held")
    visible = Confiscation.objects.visible_to(request.user).filter(school=school)
    held = visible.held().select_related("pupil", "confiscated_by").order_by("confiscated_at")
    released = (
        visible.filter(released_at__isnull=False)
        .select_related("pupil", "released_by")
        .order_by("-released_at")
    )
    page = Paginator(released, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/confiscations.html",
        {"school": school, "held": held, "page": page, "today": timezone.localdate()},
    )


def confiscation_add(request, slug):
    school = get_school(request, slug, "devices.confiscate")
    form = ConfiscationForm(posted(request), school=school)
    if request.method == "POST" and form.is_valid():
        try:
            confiscation = pupils.confiscate(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Recorded. Take the device to the office to be kept safe.")
            return redirect("confiscation-detail", pk=confiscation.pk)
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": "Confiscate a pupil's device",
            "intro": "Describe the device, never what is on it. It is held in the office and "
            "given back to a parent or carer.",
        },
        status=400 if form.errors else 200,
    )


def confiscation_detail(request, pk):
    confiscation = get_confiscation(request, pk)
    return render(
        request,
        "devices/confiscation_detail.html",
        {
            "confiscation": confiscation,
            "can_release": allowed(request.user, "devices.release", confiscation),
            "can_tell": allowed(request.user, "devices.record_parents_told", confiscation),
            "can_search": allowed(request.user, "devices.search", confiscation.school),
            "searches": Search.objects.visible_to(request.user).filter(confiscation=confiscation),
        },
    )


def confiscation_parents_told(request, pk):
    confiscation = get_confiscation(request, pk, "devices.record_parents_told")
    form = WhenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pupils.record_parents_told(
                confiscation=confiscation, by=request.user, when=form.cleaned_data["when"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Recorded that parents or carers were told.")
            return redirect("confiscation-detail", pk=confiscation.pk)
    return _step(request, confiscation, form, "Parents or carers told")


def confiscation_release(request, pk):
    confiscation = get_confiscation(request, pk, "devices.release")
    form = ReleaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pupils.release(confiscation=confiscation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(
                    request, error.message, "confiscation-detail", pk=confiscation.pk
                )
            add_errors(form, error)
        else:
            messages.success(request, "The device was released.")
            return redirect("confiscation-detail", pk=confiscation.pk)
    return _step(request, confiscation, form, "Release the device")


def _step(request, confiscation, form, title):
    return render(
        request,
        "devices/form.html",
        {
            "school": confiscation.school,
            "form": form,
            "title": title,
            "intro": f"{confiscation.description}, taken from {confiscation.pupil}.",
            "back_confiscation": confiscation,
        },
        status=400 if form.errors else 200,
    )


def search_add(request, slug):
    """Record a search; from a confiscation's page, of that pupil and linked to it."""
    school = get_school(request, slug, "devices.search")
    confiscation = None
    if pk := id_param(request, "confiscation"):
        confiscation = get_object_or_404(
            Confiscation.objects.visible_to(request.user)
            .filter(school=school)
            .select_related("incident__school"),
            pk=pk,
        )
    initial = {"pupil": confiscation.pupil_id} if confiscation else {}
    if confiscation and confiscation.incident_id:
        initial["incident_number"] = confiscation.incident.reference
    form = SearchForm(posted(request), school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            search = pupils.record_search(
                school=school,
                by=request.user,
                files=list(request.FILES.values()),
                confiscation=confiscation,
                **data,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            message = "The search is recorded."
            if search.incident_id:
                message += f" Incident {search.incident.reference} was opened for the DSL."
            messages.success(request, message)
            return redirect("search-detail", pk=search.pk)
    return render(
        request,
        "devices/search_form.html",
        {
            "school": school,
            "form": form,
            "ukcis_rules": pupils.UKCIS_RULES,
            "confiscation": confiscation,
        },
        status=400 if form.errors else 200,
    )


def search_detail(request, pk):
    search = get_object_or_404(
        Search.objects.visible_to(request.user).select_related(
            "school", "pupil", "searched_by", "witness", "incident__school"
        ),
        pk=pk,
    )
    return render(
        request,
        "devices/search_detail.html",
        {"search": search, "ukcis_rules": pupils.UKCIS_RULES},
    )


def recorded_by_me(request):
    """Staff: the confiscations and searches I recorded."""
    require(request.user, "devices.use_pupil_records")
    return render(
        request,
        "devices/recorded.html",
        {
            "confiscations": Confiscation.objects.visible_to(request.user)
            .filter(confiscated_by=request.user)
            .select_related("pupil", "school"),
            "searches": Search.objects.visible_to(request.user)
            .filter(searched_by=request.user)
            .select_related("pupil", "school"),
        },
    )


def pupil_devices(request, slug, user_pk):
    """One pupil's confiscations and searches, beside their incident chronology."""
    school: School = get_school(request, slug, "devices.view_pupil_record")
    pupil = get_object_or_404(
        User.objects.filter(memberships__school=school, memberships__role=Role.PUPIL).distinct(),
        pk=user_pk,
    )
    return render(
        request,
        "devices/pupil_devices.html",
        {
            "school": school,
            "pupil": pupil,
            "confiscations": Confiscation.objects.visible_to(request.user)
            .filter(school=school, pupil=pupil)
            .select_related("confiscated_by", "released_by"),
            "searches": Search.objects.visible_to(request.user)
            .filter(school=school, pupil=pupil)
            .select_related("searched_by", "incident__school"),
        },
    )


def people_search(request, slug):
    """The people picker's matches on the devices pages (borrowers, pupils, witnesses):
    the school's people with the picker's roles, for whoever may use the page it is on."""
    who = request.GET.get("who", "")
    if who not in PICKERS:
        raise Http404
    roles, rule = PICKERS[who]
    school = get_school(request, slug, rule)
    query = picker_query(request.GET)
    found = search_people(school, query, roles=roles)
    return render(
        request,
        "incidents/widgets/person_results.html",
        {"results": [(m, describe(m)) for m in found], "query": query.strip()},
    )


def picker_query(params) -> str:
    """The text typed: `q`, or the picker's own box (`<field>_search`, sent by htmx)."""
    for key, value in params.items():
        if key == "q" or key.endswith("_search"):
            return value
    return ""
