"""Agreements' entries in the main navigation: signing, managing, registers."""

from esafety.menu import menu_entry

menu_entry("Agreements", "To sign", "agreements-to-sign", rule="agreements.use", order=20)
menu_entry("Agreements", "My agreements", "agreements-mine", rule="agreements.use", order=21)

menu_entry(
    "Policies",
    "Policies and agreements",
    "agreements-documents",
    rule="agreements.manage_documents",
    order=30,
    per_school=True,
)
menu_entry(
    "Policies",
    "Policy reviews",
    "agreements-reviews",
    rule="agreements.manage_documents",
    order=31,
    per_school=True,
)
menu_entry(
    "Policies",
    "Waiting for approval",
    "agreements-approvals",
    rule="agreements.use_approvals",
    order=32,
)

menu_entry(
    "Registers",
    "Who has signed",
    "agreements-registers",
    rule="agreements.view_registers",
    order=40,
    per_school=True,
)
menu_entry(
    "Registers",
    "Consent register",
    "agreements-consent-register",
    rule="agreements.view_registers",
    order=41,
    per_school=True,
)
menu_entry(
    "Registers",
    "Internet access",
    "agreements-internet-register",
    rule="agreements.view_internet_register",
    order=42,
    per_school=True,
)
menu_entry(
    "Registers", "Coverage figures", "agreements-coverage", rule="agreements.use_coverage", order=43
)
