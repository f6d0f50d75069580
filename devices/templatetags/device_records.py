"""Device records shown on other apps' pages, linked both ways without those apps importing
this one: an incident's searches, confiscations and data breach, and a pupil's
confiscations and searches on their chronology. Each list goes through its visibility
filter, so a page shows only what its reader may see."""

from django import template

from devices.models import Breach, Confiscation, Search
from esafety.roles import allowed
from esafety.templatetags.history import history_entries

register = template.Library()

DATA_BREACH_TAG = "data-breach"


@register.inclusion_tag("devices/tags/incident_records.html", takes_context=True)
def incident_device_records(context, incident):
    """On an incident: the device records that cite it, and for an incident tagged "data
    breach" with no breach record yet, the offer to open one, linked."""
    user = context["request"].user
    breaches = list(Breach.objects.visible_to(user).filter(incident=incident))
    can_record = allowed(user, "devices.view_breaches", incident.school_id)
    tagged = any(tag.slug == DATA_BREACH_TAG for tag in incident.tags.all())
    return {
        "incident": incident,
        "breaches": breaches,
        "searches": list(
            Search.objects.visible_to(user).filter(incident=incident).select_related("pupil")
        ),
        "confiscations": list(
            Confiscation.objects.visible_to(user).filter(incident=incident).select_related("pupil")
        ),
        "offer_breach": can_record and tagged and not breaches,
        "can_record": can_record,
    }


@register.inclusion_tag("devices/tags/pupil_records.html", takes_context=True)
def pupil_device_records(context, school, pupil):
    """On a pupil's chronology: their confiscations and searches, oldest first."""
    user = context["request"].user
    confiscations = (
        Confiscation.objects.visible_to(user)
        .filter(school=school, pupil=pupil)
        .select_related("incident__school")
    )
    searches = (
        Search.objects.visible_to(user)
        .filter(school=school, pupil=pupil)
        .select_related("incident__school")
    )
    rows = [("Confiscation", c.confiscated_at, c) for c in confiscations]
    rows += [("Search", s.searched_at, s) for s in searches]
    rows.sort(key=lambda row: row[1])
    return {"rows": rows, "pupil": pupil}


def plain(value):
    """A recorded yes/no as words ("Factory reset done: yes"), never "True"."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


@register.inclusion_tag("partials/history_panel.html")
def device_history_panel(obj, title="History"):
    """The core's history panel, with yes/no fields in words (the loan's return checklist,
    a device's encryption and PIN, a loss's "held personal data")."""
    entries = history_entries(obj)
    for entry in entries:
        for change in entry["changes"]:
            change["old"], change["new"] = plain(change["old"]), plain(change["new"])
    return {"entries": entries, "title": title}
