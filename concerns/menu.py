"""The low-level concerns log's entries in the main navigation: its own menu, apart
from the incident log's."""

from esafety.menu import menu_entry

MENU = "Concerns"

menu_entry(
    MENU,
    "Raise a concern about an adult",
    "concern-create",
    rule="concerns.raise",
    order=17,
    per_school=True,
)
menu_entry(
    MENU,
    "Low-level concerns about adults",
    "concern-list",
    rule="concerns.review",
    order=18,
    per_school=True,
)
menu_entry(
    MENU,
    "Low-level concerns across the trust",
    "concern-trust-patterns",
    rule="concerns.trust_patterns",
    order=19,
)
