"""The governance entries in the main navigation.

Trustees get one top-level "Governance" menu (their bar has room). A headteacher's or
officer's bar is full at 1280 px, so theirs sit in the Risks menu under a "Governance"
heading (tests/test_browser.py checks the bar stays one line)."""

from esafety.menu import menu_entry

menu_entry(
    "Governance",
    "Governance dashboard",
    "governance-home",
    rule="governance.use_as_trustee",
    order=85,
)
menu_entry(
    "Governance", "Termly reports", "governance-reports", rule="governance.use_as_trustee", order=86
)
menu_entry(
    "Governance",
    "What the figures mean",
    "governance-definitions",
    rule="governance.use_as_trustee",
    order=87,
)
for order, (label, url_name) in enumerate(
    [("Governance dashboard", "governance-home"), ("Termly reports", "governance-reports")],
    start=44,
):
    menu_entry(
        "Risks", label, url_name, rule="governance.use_as_lead", order=order, section="Governance"
    )
