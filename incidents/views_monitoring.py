"""Monitoring alerts held because the pupil was not found: the officer matches each to a
pupil, which raises (or adds to) their incident."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from esafety.forms import add_errors
from esafety.models import Role, User
from esafety.validators import CheckedFormMixin
from esafety.views_people import get_school

from .forms import TypedTextMixin
from .monitoring import alerts_to_match, match_alert
from .people import PersonField, picker_url, search_people

SHOWN = 100


class MatchForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    submit_label = "Match to this pupil"
    pupil = PersonField(label="Pupil", help_text="Type their name, class (5B) or year group.")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        field.queryset = User.objects.filter(
            memberships__school=school, memberships__role=Role.PUPIL
        ).distinct()
        field.search = lambda text: search_people(school, text, roles={Role.PUPIL})
        field.widget.search_url = picker_url(school=school, pupils_only=True)


def held_alerts(request, slug):
    school = get_school(request, slug, "incidents.match_alerts")
    held = alerts_to_match([school.pk])
    return render(
        request,
        "incidents/monitoring/held.html",
        {"school": school, "alerts": held[:SHOWN], "count": held.count(), "shown": SHOWN},
    )


def match(request, slug, pk):
    school = get_school(request, slug, "incidents.match_alerts")
    alert = get_object_or_404(alerts_to_match([school.pk]).select_related("token"), pk=pk)
    form = MatchForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            received = match_alert(
                alert=alert, pupil_id=form.cleaned_data["pupil"].pk, by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            incident = received.alert.incident
            verb = "added to" if received.folded else "raised as"
            messages.success(request, f"The alert was {verb} incident {incident.named}.")
            return redirect("monitoring-held", slug=school.slug)
    return render(
        request,
        "incidents/monitoring/match.html",
        {"school": school, "alert": alert, "form": form},
        status=400 if form.errors else 200,
    )
