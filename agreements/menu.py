"""Agreements' entries in the main navigation: one menu, headed by kind (what is yours to
sign, collecting pupils' and parents' signatures, the policies to manage, the registers),
so the bar stays one line on a laptop."""

from esafety.menu import menu_entry

menu_entry(
    "Agreements", "To sign", "agreements-to-sign", rule="agreements.use", order=20, section="Yours"
)
menu_entry(
    "Agreements",
    "My agreements",
    "agreements-mine",
    rule="agreements.use",
    order=21,
    section="Yours",
)
menu_entry(
    "Agreements",
    "Sign in class",
    "agreements-in-class",
    rule="agreements.record_in_class",
    order=25,
    section="Collect signatures",
    per_school=True,
)
menu_entry(
    "Agreements",
    "Record a paper form",
    "agreements-paper",
    rule="agreements.record_paper",
    order=26,
    section="Collect signatures",
    per_school=True,
)

menu_entry(
    "Agreements",
    "Policies and agreements",
    "agreements-documents",
    rule="agreements.manage_documents",
    order=30,
    section="Policies",
    per_school=True,
)
menu_entry(
    "Agreements",
    "Policy reviews",
    "agreements-reviews",
    rule="agreements.manage_documents",
    order=31,
    section="Policies",
    per_school=True,
)
menu_entry(
    "Agreements",
    "Waiting for approval",
    "agreements-approvals",
    rule="agreements.use_approvals",
    order=32,
    section="Policies",
)

menu_entry(
    "Agreements",
    "Who has signed",
    "agreements-registers",
    rule="agreements.view_registers",
    order=40,
    section="Registers",
    per_school=True,
)
menu_entry(
    "Agreements",
    "Consent register",
    "agreements-consent-register",
    rule="agreements.view_registers",
    order=41,
    section="Registers",
    per_school=True,
)
menu_entry(
    "Agreements",
    "Internet access",
    "agreements-internet-register",
    rule="agreements.view_internet_register",
    order=42,
    section="Registers",
    per_school=True,
)
menu_entry(
    "Agreements",
    "Coverage figures",
    "agreements-coverage",
    rule="agreements.use_coverage",
    order=43,
    section="Registers",
)
