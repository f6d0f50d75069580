"""Pupils' and parents' "report a worry" pages. The pupils' page also works without
signing in (a link on the school's website); both show nothing back but a thank-you."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from esafety.models import Role, School
from esafety.once import first_time, once_token
from esafety.roles import children_of, roles_in
from esafety.views_people import get_school

from . import worries
from .forms_worries import ParentWorryForm, PupilWorryForm
from .models import Source

TOO_MANY = (
    "A lot of reports have been sent from here in the last hour, so this one wasn't sent. "
    "Please tell an adult you trust instead, or call Childline on 0800 1111."
)


def _pupil_of(request, school):
    user = request.user
    if user.is_authenticated and Role.PUPIL in roles_in(user, school):
        return user
    return None


@login_not_required
def pupil_worry(request, slug):
    school = get_object_or_404(School, slug=slug)
    pupil = _pupil_of(request, school)
    form = PupilWorryForm(
        request.POST or None, signed_in_pupil=pupil is not None, once=once_token(request)
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:  # filled in by a program, not a person
            return redirect("worry-thanks", slug=slug)
        if not worries.may_send(request, school):
            return _form(request, "incidents/worries/pupil.html", school, form, too_many=True)
        data = form.cleaned_data
        named = pupil if data.get("send_name") else None
        return first_time(
            request,
            lambda: _sent(school, Source.PUPIL, named, data, "worry-thanks"),
            while_saving=reverse("worry-thanks", args=[slug]),
            repeated="You sent this twice; it was sent once.",
        )
    return _form(request, "incidents/worries/pupil.html", school, form)


def _form(request, template, school, form, *, too_many=False):
    """The form again: with a message when too many were sent from here this hour (429)."""
    if too_many:
        form.add_error(None, TOO_MANY)
    status = 429 if too_many else (400 if form.errors else 200)
    signed_in_pupil = "send_name" in form.fields
    return render(
        request,
        template,
        {"school": school, "form": form, "signed_in_pupil": signed_in_pupil},
        status=status,
    )


def _sent(school, source, reporter, data, thanks):
    worries.report_worry(
        school=school,
        source=source,
        reporter=reporter,
        about=data["about"],
        where=data["where"],
        what=data["what"],
        told=data["told"],
        child=data.get("child"),
    )
    return redirect(thanks, slug=school.slug)


def parent_worry(request, slug):
    school = get_school(request, slug, "incidents.report_as_parent")
    children = (
        children_of(request.user)
        .filter(memberships__school=school, memberships__role=Role.PUPIL)
        .distinct()
    )
    form = ParentWorryForm(request.POST or None, children=children, once=once_token(request))
    if request.method == "POST" and form.is_valid():
        if not worries.may_send(request, school):
            return _form(request, "incidents/worries/parent.html", school, form, too_many=True)
        data = form.cleaned_data
        return first_time(
            request,
            lambda: _sent(school, Source.PARENT, request.user, data, "worry-parent-thanks"),
            while_saving=reverse("worry-parent-thanks", args=[slug]),
            repeated="You sent this twice; it was sent once.",
        )
    return _form(request, "incidents/worries/parent.html", school, form)


@login_not_required
def worry_thanks(request, slug):
    school = get_object_or_404(School, slug=slug)
    context = worries.thanks_context(Source.PUPIL)
    return render(request, "incidents/worries/thanks.html", {"school": school, **context})


def parent_worry_thanks(request, slug):
    school = get_school(request, slug, "incidents.report_as_parent")
    context = worries.thanks_context(Source.PARENT)
    return render(request, "incidents/worries/thanks.html", {"school": school, **context})
