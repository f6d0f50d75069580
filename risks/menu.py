"""The register's entries in the main navigation."""

from esafety.menu import menu_entry

menu_entry(
    "Risks", "Risk register", "risk-register", rule="risks.view_register", order=40, per_school=True
)
menu_entry(
    "Risks",
    "Filtering and monitoring",
    "filtering",
    rule="risks.view_filtering",
    order=41,
    per_school=True,
)
menu_entry(
    "Risks",
    "Register sign-off",
    "risk-signoffs",
    rule="risks.view_sign_offs",
    order=42,
    per_school=True,
)
menu_entry("Risks", "Risk registers in the trust", "risk-trust", rule="risks.view_trust", order=43)
