"""The shape every app copies: the core names no app, each rule is used, and the menu
comes from a registry the apps fill in."""

import ast
import re
import subprocess
from importlib import import_module
from pathlib import Path

import pytest
import rules
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from esafety import menu
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def _project_apps() -> set[str]:
    """Apps that live in this repository, other than the core."""
    return {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == ROOT and config.name != "esafety"
    }


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_core_imports_no_app():
    project_apps = _project_apps()
    assert {"incidents", "agreements"} <= project_apps
    offending = []
    for path in sorted((ROOT / "esafety").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for module in _imported_modules(path):
            if module.split(".")[0] in project_apps:
                offending.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offending == []


def _url_names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            names |= _url_names(pattern.url_patterns)
        elif pattern.name:
            names.add(pattern.name)
    return names


def test_the_core_templates_name_no_app_url():
    """The project-wide templates link only to the core's pages; apps add theirs through
    the menu registry."""
    app_urls = set()
    for app in _project_apps():
        if (ROOT / app / "urls.py").exists():
            app_urls |= _url_names(import_module(f"{app}.urls").urlpatterns)
    assert "incident-queue" in app_urls
    named = {
        name
        for path in (ROOT / "templates").rglob("*.html")
        for name in re.findall(r"{% url '([\w-]+)'", path.read_text())
    }
    assert named and named.isdisjoint(app_urls), named & app_urls


def _source_outside_rules_and_tests() -> dict[str, str]:
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.html"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    files = [
        f
        for f in tracked
        if "/tests/" not in f and not f.endswith("rules.py") and not f.startswith("bench/")
    ]
    if not files:  # not a git checkout: read the tree itself
        files = [
            str(p.relative_to(ROOT))
            for pattern in ("*.py", "*.html")
            for p in ROOT.rglob(pattern)
            if ".venv" not in p.parts and "tests" not in p.parts and p.name != "rules.py"
        ]
    return {f: (ROOT / f).read_text() for f in files}


def test_every_registered_rule_guards_something():
    """A rule nobody calls misleads a reader about what guards a page."""
    source = _source_outside_rules_and_tests()
    ours = ("esafety.", *(f"{app}." for app in _project_apps()))
    unused = [
        name
        for name in rules.rulesets.default_rules
        if name.startswith(ours)
        and not any(f'"{name}"' in text or f"'{name}'" in text for text in source.values())
    ]
    assert unused == []


def test_every_menu_entry_names_a_registered_rule_and_url():
    for entry in menu.registered_entries():
        assert rules.rulesets.default_rules.get(entry.rule) is not None, entry
        args = ["any-school"] if entry.per_school else []
        assert reverse(entry.url_name, args=args)


def _menus(client, user):
    sign_in(client, user)
    nav = client.get(reverse("home")).context["nav"]
    return {m.title: [link.label for link in m.links] for m in nav["menus"]}


def test_each_persona_sees_only_the_menus_they_may_use(personas, client):
    officer = _menus(client, personas.esafety_officer)
    assert officer["Incidents"] == [
        "Log an incident",
        "Incidents I reported",
        "My actions",
        "What to do if...",
        "Incident queue",
        "Kinds of incident",
        "A pupil's chronology",
        "Monitoring alerts to match",
        "Files to the next school",
        "Safeguarding cover",
        "Local contacts",
    ]
    # Low-level concerns about adults: any member of staff raises one; only the head
    # (and the chair, across the trust) reviews them, never the DSL or a trustee.
    assert officer["Concerns"] == ["Raise a concern about an adult"]
    head = _menus(client, personas.headteacher)
    assert head["Concerns"] == ["Raise a concern about an adult", "Low-level concerns about adults"]
    assert "People" in officer
    assert {"Policies and agreements", "Who has signed"} <= set(officer["Agreements"])
    page = client.get(reverse("home")).content.decode()
    for heading in ("Yours", "Policies", "Registers"):  # one menu, headed by kind
        assert f'<span class="dropdown-header">{heading}</span>' in page
    assert "Trust overview" not in officer

    assert set(_menus(client, personas.teacher)) == {
        "Incidents",
        "Concerns",
        "Agreements",
        "Training",
        "Devices",
    }
    assert set(_menus(client, personas.parent)) == {"Report a worry", "Agreements", "Training"}
    assert set(_menus(client, personas.pupil)) == {"Report a worry", "Agreements"}
    technician = _menus(client, personas.technician)
    assert technician["Agreements"] == [
        "To sign",
        "My agreements",
        "Sign in class",
        "Record a paper form",
        "Internet access",
    ]
    # Technicians log incidents (filtering breaches) and see only what they reported.
    assert technician["Incidents"] == [
        "Log an incident",
        "Incidents I reported",
        "My actions",
        "What to do if...",
        "Safeguarding cover",
        "Local contacts",
    ]
    trustee = _menus(client, personas.trustee)
    assert trustee["Incidents"] == ["Incidents sent to me"]
    assert trustee["Trust overview"] == [
        "Trust overview",
        "Training figures",
        "My training",
        "Local contacts",
    ]
    assert "People" not in trustee
    assert "Concerns" not in trustee
    chair = _menus(client, personas.chair)
    assert chair["Concerns"] == ["Low-level concerns across the trust"]


def test_a_person_at_two_schools_is_told_which_school_each_link_is_for(personas, client):
    from esafety.models import Membership, Role

    officer = personas.esafety_officer
    Membership.objects.create(user=officer, school=personas.other_school, role=Role.HEADTEACHER)
    sign_in(client, officer)
    people = next(
        m for m in client.get(reverse("home")).context["nav"]["menus"] if m.title == "People"
    )
    schools = {link.school for link in people.links if link.label == "People"}
    assert schools == {personas.school.name, personas.other_school.name}


def test_an_app_appears_in_the_menu_by_registering_an_entry(personas, client, monkeypatch):
    """What a new app does: register an entry; the core shows it to whom the rule allows."""
    monkeypatch.setattr(menu, "_ENTRIES", list(menu._ENTRIES))
    menu.menu_entry(
        "Risks", "Risk register", "people", rule="esafety.manage_people", order=5, per_school=True
    )
    assert "Risks" in _menus(client, personas.esafety_officer)
    client.logout()
    assert "Risks" not in _menus(client, personas.teacher)
    page = client.get(reverse("home")).content.decode()
    assert "Risk register" not in page
