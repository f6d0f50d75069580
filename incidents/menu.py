"""The incident log's entries in the main navigation."""

from esafety.menu import menu_entry
from esafety.roles import access_for, managed_school_ids


def _queue_label(user) -> str:
    # A trustee's queue holds only what was sent to them; the trust lead's is trust-wide.
    if access_for(user).lead_school_ids:
        return "Trust incident queue"
    return "Incident queue" if managed_school_ids(user) else "Incidents sent to me"


menu_entry("Incidents", "Log an incident", "incident-create", rule="incidents.use_log", order=10)
menu_entry("Incidents", "Incidents I reported", "my-incidents", rule="incidents.use_log", order=11)
menu_entry("Incidents", "My actions", "my-actions", rule="incidents.use_actions", order=11)
menu_entry("Incidents", _queue_label, "incident-queue", rule="incidents.use_queue", order=12)
menu_entry(
    "Incidents",
    "Kinds of incident",
    "incident-kinds",
    rule="incidents.manage_kinds",
    order=13,
    per_school=True,
)
menu_entry(
    "Incidents",
    "A pupil's chronology",
    "pupil-chronology-find",
    rule="incidents.view_chronology",
    order=13,
    per_school=True,
)
menu_entry(
    "Incidents",
    "Monitoring alerts to match",
    "monitoring-held",
    rule="incidents.match_alerts",
    order=14,
    per_school=True,
)
menu_entry(
    "Incidents",
    "Files to the next school",
    "transfer-list",
    rule="incidents.transfers",
    order=15,
    per_school=True,
)
# Whom to tell today (the designated lead, the deputies, who is away): for all staff.
menu_entry(
    "Incidents",
    "Safeguarding cover",
    "safeguarding-cover",
    rule="incidents.view_cover",
    order=16,
    per_school=True,
)
# Pupils and parents: their one way into the incident log, which they never see.
menu_entry(
    "Report a worry",
    "Report a worry",
    "worry-pupil",
    rule="incidents.report_as_pupil",
    order=5,
    per_school=True,
)
menu_entry(
    "Report a worry",
    "Report a worry to the school",
    "worry-parent",
    rule="incidents.report_as_parent",
    order=5,
    per_school=True,
)
# The policy's flowcharts as guides: what to do now, whom to tell, then the form.
menu_entry(
    "Incidents",
    "What to do if...",
    "guide-list",
    rule="incidents.guides",
    order=11,
    per_school=True,
)
