"""The governance entries in the main navigation: one "Governance" menu for trustees and
for each school's headteacher and e-safety officer, shared with the self-review (which
adds its own heading). The bar stays on one line at 1280 px (tests/test_browser.py)."""

from esafety.menu import menu_entry

for order, (label, url_name) in enumerate(
    [
        ("Governance dashboard", "governance-home"),
        ("Termly reports", "governance-reports"),
        ("What the figures mean", "governance-definitions"),
    ],
    start=85,
):
    menu_entry(
        "Governance",
        label,
        url_name,
        rule="governance.use",
        order=order,
        section="Dashboard and reports",
    )
