"""The devices app's entries in the main navigation."""

from esafety.menu import menu_depends_on, menu_entry

from .rules import office_school_ids

# devices.view_held lets office staff in: the cached menu follows where they work.
menu_depends_on(office_school_ids)

menu_entry(
    "Devices", "Inventory", "devices-inventory", rule="devices.manage", order=60, per_school=True
)
menu_entry(
    "Devices",
    "Needs attention",
    "devices-non-compliant",
    rule="devices.manage",
    order=61,
    per_school=True,
)
menu_entry(
    "Devices", "Weekly check", "devices-check", rule="devices.manage", order=62, per_school=True
)
menu_entry("Devices", "Loans", "loans", rule="devices.manage", order=63, per_school=True)
menu_entry(
    "Devices",
    "Software and online services",
    "software",
    rule="devices.manage",
    order=64,
    per_school=True,
)
menu_entry(
    "Devices", "Leavers", "leaver-checklists", rule="devices.leavers", order=64, per_school=True
)
menu_entry("Devices", "Disposals", "disposals", rule="devices.manage", order=65, per_school=True)
menu_entry(
    "Devices",
    "Devices held in the office",
    "confiscations",
    rule="devices.view_held",
    order=66,
    per_school=True,
)
# Any member of staff may confiscate a pupil's phone (DfE 2022); a search is recorded from
# the confiscation's page or the home panel.
menu_entry(
    "Devices",
    "Confiscate a pupil's device",
    "confiscation-add",
    rule="devices.confiscate",
    order=68,
    per_school=True,
)
menu_entry(
    "Devices", "Data breaches", "breaches", rule="devices.view_breaches", order=67, per_school=True
)
# Trustees reach their figures from the home panel (their menu is the core's Trust menu).
