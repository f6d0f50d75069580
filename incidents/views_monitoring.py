"""Monitoring alerts held because the pupil was not found: the officer matches each to a
pupil, which raises (or adds to) their incident."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from esafety.forms import add_errors
from esafety.views_people import get_school

from .forms import PupilPickerForm
from .models_monitoring import MonitoringAlert
from .monitoring import alerts_to_match, match_alert

SHOWN = 100


class MatchForm(PupilPickerForm):
    submit_label = "Match to this pupil"


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
    alert = get_object_or_404(
        MonitoringAlert.objects.filter(school=school).select_related("token", "incident"), pk=pk
    )
    if alert.incident is not None:  # matched already: a second click, or a colleague
        messages.info(request, f"This alert is already in incident {alert.incident.named}.")
        return redirect("monitoring-held", slug=school.slug)
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
