"""The people picker's search: a fragment of matching people for the combobox (htmx)."""

from django.shortcuts import get_object_or_404, render

from esafety.models import STAFF_ROLES, Role, School
from esafety.params import id_or_404
from esafety.roles import require

from .people import PUPILS_AND_STAFF, describe, search_people
from .rules import people_hidden_from
from .views import get_incident


def _query(params) -> str:
    """The text typed: `q`, or the picker's own box (`<field>_search`, sent by htmx)."""
    for key, value in params.items():
        if key == "q" or key.endswith("_search"):
            return value
    return ""


def people_search(request):
    """Searching within an incident needs its manage rule (the chair handling a concern
    about the head sees only what they search for, never a pre-loaded list); searching a
    school to log an incident needs the log rule there; pupils only (`pupils=1`, to find
    a pupil's chronology) needs the chronology rule."""
    staff_only = bool(request.GET.get("staff"))
    exclude = None
    if "incident" in request.GET:
        incident = get_incident(request, id_or_404(request.GET["incident"]), "incidents.manage")
        school = incident.school
        if staff_only:  # an action must never go to someone the incident is hidden from
            exclude = people_hidden_from(incident)
    else:
        school = get_object_or_404(
            School.objects.visible_to(request.user), slug=request.GET.get("school", "")
        )
        require(request.user, "incidents.log", school)
    query = _query(request.GET)
    roles = STAFF_ROLES if staff_only else PUPILS_AND_STAFF
    if request.GET.get("pupils"):  # finding a pupil's chronology
        require(request.user, "incidents.view_chronology", school)
        roles = {Role.PUPIL}
    found = search_people(school, query, roles=roles, exclude=exclude)
    return render(
        request,
        "incidents/widgets/person_results.html",
        {"results": [(m, describe(m)) for m in found], "query": query.strip()},
    )
