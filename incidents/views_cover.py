"""Safeguarding cover: the school's page (who leads today, the deputies, who is away),
recording an absence, ending one, and naming the designated lead. Thin: the rules are in
cover.py, who may do what in rules.py."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esafety.forms import add_errors
from esafety.models import Role, User
from esafety.once import first_time, once_token
from esafety.roles import allowed
from esafety.services import holders
from esafety.views_people import get_school

from . import cover
from .forms_cover import AbsenceForm, LeadForm
from .models_cover import Absence


@dataclass(frozen=True)
class CoverRow:
    person: User
    title: str
    absence: Absence | None


def _posted(request):
    return request.POST if request.method == "POST" else None


def _back(school):
    return redirect("safeguarding-cover", slug=school.slug)


def cover_page(request, slug):
    """For everyone who logs incidents at the school: whom to tell today."""
    school = get_school(request, slug, "incidents.view_cover")
    today = cover.cover_on(school)
    rows = {}  # a head who is also an officer is listed once, as a lead
    for person in [*today.leads, *today.heads]:
        rows.setdefault(person, CoverRow(person, today.title_of(person), today.away.get(person.pk)))
    return render(
        request,
        "incidents/cover/page.html",
        {
            "school": school,
            "cover": today,
            "rows": list(rows.values()),
            "tell_first": cover.pupil_routing(today)[0],
            "absences": list(cover.absences_from(school, today.day)),
            "can_record": allowed(request.user, "incidents.record_absence", school),
            "can_name": allowed(request.user, "incidents.name_lead", school),
        },
    )


def cover_absence(request, slug):
    """Record that the lead, a deputy or the headteacher is away."""
    school = get_school(request, slug, "incidents.record_absence")
    form = AbsenceForm(
        _posted(request),
        school=school,
        people=cover.cover_people(school),
        me=request.user,
        once=once_token(request),
    )

    def save():
        data = form.cleaned_data
        absence = cover.record_absence(
            school=school,
            person=data["person"],
            away_from=data["away_from"],
            away_to=data["away_to"],
            note=data["note"],
            by=request.user,
        )
        messages.success(request, f"Recorded: {absence}.")
        return _back(school)

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            save,
            while_saving=reverse("safeguarding-cover", args=[school.slug]),
            repeated="You sent this twice; the absence was recorded once.",
        )
    return _form_page(request, school, form, "Record an absence")


@require_POST
def cover_absence_end(request, slug, pk):
    """Back in school (or the absence cancelled before it began)."""
    school = get_school(request, slug, "incidents.record_absence")
    if not cover.absence_was_recorded(school, pk):
        raise Http404("No such absence")
    messages.success(request, cover.end_absence(school=school, absence_id=pk, by=request.user))
    return _back(school)


def cover_lead(request, slug):
    """The headteacher names the designated lead; the other officers are its deputies."""
    school = get_school(request, slug, "incidents.name_lead")
    officers = holders(school, Role.ESAFETY_OFFICER)
    choices = User.objects.filter(pk__in=[o.pk for o in officers]).order_by("full_name", "pk")
    form = LeadForm(_posted(request), officers=choices, current=cover.named_lead(school, officers))
    if request.method == "POST" and form.is_valid():
        try:
            named = cover.name_lead(school=school, lead=form.cleaned_data["lead"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{named.lead} is now the designated safeguarding lead.")
            return _back(school)
    intro = (
        "The designated safeguarding lead is sent each new concern about a pupil; the "
        "deputy DSLs are told too, and take it when the lead is away. Anyone of them who "
        "acknowledges it first takes it."
    )
    if not officers:
        intro = "The school has no e-safety officer yet: give someone the role on its People page."
    return _form_page(request, school, form, "Designated safeguarding lead", intro=intro)


def _form_page(request, school, form, title, intro=""):
    return render(
        request,
        "incidents/cover/form.html",
        {"school": school, "form": form, "title": title, "intro": intro},
        status=400 if form.errors else 200,
    )
