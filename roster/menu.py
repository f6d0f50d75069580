"""The MIS sync's entry in the People menu, beside the CSV import."""

from esafety.menu import menu_entry

menu_entry(
    "People", "Sync with your MIS", "roster", rule="roster.manage", order=83, per_school=True
)
