"""The governance entries in the main navigation: one top-level menu."""

from esafety.menu import menu_entry

menu_entry("Governance", "Governance dashboard", "governance-home", rule="governance.use", order=85)
menu_entry("Governance", "Termly reports", "governance-reports", rule="governance.use", order=86)
menu_entry(
    "Governance", "What the figures mean", "governance-definitions", rule="governance.use", order=87
)
