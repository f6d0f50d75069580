"""The self-review's entries, in the "Governance" menu (shared with the governance app)
under their own heading: the navigation has no room for another top-level menu."""

from esafety.menu import menu_entry

menu_entry(
    "Governance",
    "Online-safety self-review",
    "selfreview-school",
    rule="selfreview.view_school",
    order=92,
    per_school=True,
    section="Self-review",
)
menu_entry(
    "Governance",
    "Self-reviews across the trust",
    "selfreview-trust",
    rule="selfreview.view_trust",
    order=93,
    section="Self-review",
)
