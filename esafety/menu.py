"""The main navigation, filled in by the apps the way they register home panels.

An app registers its entries from its `menu.py` (imported in `AppConfig.ready`); the core
shows each person only the entries whose rule allows them. A new app touches no core file
to appear in the menu.

An entry ordered PRIMARY_ORDER or lower is a person's first thing to do (for staff, "Log
an incident"): the home page repeats it at its top, above the panels, so it is on the
first screen of a phone.

Every page shows the menu, so `navigation_for` keeps each person's menu (and its HTML) in
the cache, keyed on everything it is built from: the roles they hold today (`access_for`,
read afresh on every request), their schools' names and slugs, and whatever else an app's
menu rules read, registered with `menu_depends_on` (e.g. the schools where they work in the
office). An entry's rule and label must depend on nothing else; then a role granted or
ended shows in the very next page's menu, with no invalidation to forget.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .roles import access_for, allowed

_ENTRIES: list["MenuEntry"] = []
_DEPENDS_ON: list[Callable] = []
MENU_CACHE_SECONDS = 15 * 60
PRIMARY_ORDER = 10


@dataclass(frozen=True)
class MenuEntry:
    menu: str  # the drop-down it sits in, e.g. "Incidents"
    label: str | Callable  # text, or label(user) -> text
    url_name: str
    rule: str  # a named rule; per_school entries test it with each school
    order: int = 50  # menus sort by their lowest entry, entries within a menu by order
    per_school: bool = False  # one link per school, the URL taking the school's slug
    section: str = ""  # a heading inside the drop-down, when a menu holds several kinds

    def text(self, user) -> str:
        return self.label(user) if callable(self.label) else self.label


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    school: str = ""  # named when the same entry appears for several schools
    section: str = ""
    primary: bool = False  # also shown at the top of the home page


@dataclass
class Menu:
    title: str
    links: list[MenuLink]

    @property
    def sectioned(self) -> list[tuple[str, list[MenuLink]]]:
        """The links under their headings; one unnamed group when the menu has one kind."""
        groups: dict[str, list[MenuLink]] = {}
        for link in self.links:
            groups.setdefault(link.section, []).append(link)
        if len(groups) == 1:
            return [("", self.links)]
        return list(groups.items())


def menu_entry(
    menu: str, label, url_name: str, *, rule: str, order: int = 50, per_school=False, section=""
):
    """Register one navigation link. Returns the entry (handy in tests)."""
    entry = MenuEntry(menu, label, url_name, rule, order, per_school, section)
    _ENTRIES.append(entry)
    return entry


def menu_depends_on(func: Callable) -> Callable:
    """Register `func(user) -> value with a stable repr`: something besides the person's
    roles that an app's menu rules read. The cached menu is keyed on it. Returns func."""
    _DEPENDS_ON.append(func)
    return func


def registered_entries() -> list[MenuEntry]:
    return list(_ENTRIES)


def menus_for(user, schools) -> list[Menu]:
    """The drop-downs this person may use, in order. `schools` are the schools where
    they hold a role (loaded once by the caller), tested for per-school entries."""
    menus: dict[str, list[MenuLink]] = {}  # in order of each menu's first entry
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if links := _links(entry, user, schools):
            menus.setdefault(entry.menu, []).extend(links)
    return [Menu(title, links) for title, links in menus.items()]


def navigation_for(user, schools) -> tuple[list[Menu], str]:
    """`menus_for(user, schools)` and the menu's HTML (partials/app_nav.html), from the
    cache when nothing they are built from has changed (see the module's docstring)."""
    from django.core.cache import cache
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    access = access_for(user)
    built_from = repr(
        (
            access.signature(),
            [(s.pk, s.name, s.slug) for s in schools],
            [repr(_sorted_if_set(func(user))) for func in _DEPENDS_ON],
            _entries_signature(),
        )
    )
    digest = hashlib.sha256(built_from.encode()).hexdigest()[:32]
    key = f"menu:v2:{user.pk}:{digest}"  # v2: links know whether they are primary
    cached = cache.get(key)
    if cached is None:
        menus = menus_for(user, schools)
        cached = (menus, render_to_string("partials/app_nav.html", {"menus": menus}))
        cache.set(key, cached, MENU_CACHE_SECONDS)
    menus, html = cached
    return menus, mark_safe(html)  # rendered (and escaped) by the template above


_SIGNATURE: dict[tuple, str] = {}


def _entries_signature() -> str:
    """What the registered entries are (a new release's entries or addresses change the
    key, so no worker shows a menu cached by an older one)."""
    marker = (id(_ENTRIES), len(_ENTRIES))
    if marker not in _SIGNATURE:
        described = [
            (e.menu, _label_name(e), e.rule, e.order, e.per_school, e.section, _address(e))
            for e in _ENTRIES
        ]
        _SIGNATURE.clear()
        _SIGNATURE[marker] = hashlib.sha256(repr(described).encode()).hexdigest()[:16]
    return _SIGNATURE[marker]


def _label_name(entry: MenuEntry) -> str:
    return entry.label if isinstance(entry.label, str) else entry.label.__qualname__


def _address(entry: MenuEntry) -> str:
    return reverse(entry.url_name, args=["-"] if entry.per_school else [])


def _sorted_if_set(value):
    return sorted(value) if isinstance(value, set | frozenset) else value


def _links(entry: MenuEntry, user, schools) -> list[MenuLink]:
    if not entry.per_school:
        if not allowed(user, entry.rule):
            return []
        return [
            MenuLink(
                entry.text(user),
                reverse(entry.url_name),
                section=entry.section,
                primary=entry.order <= PRIMARY_ORDER,
            )
        ]
    allowed_schools = [s for s in schools if allowed(user, entry.rule, s)]
    several = len(allowed_schools) > 1
    return [
        MenuLink(
            entry.text(user),
            reverse(entry.url_name, args=[school.slug]),
            school.name if several else "",
            entry.section,
            entry.order <= PRIMARY_ORDER,
        )
        for school in allowed_schools
    ]


# --- the core's own entries -------------------------------------------------------------

menu_entry("People", "People", "people", rule="esafety.manage_people", order=80, per_school=True)
menu_entry(
    "People", "Add a person", "person-add", rule="esafety.manage_people", order=81, per_school=True
)
menu_entry(
    "People",
    "Import from CSV",
    "people-import",
    rule="esafety.manage_people",
    order=82,
    per_school=True,
)
menu_entry(
    "People",
    "School settings",
    "school-settings",
    rule="esafety.manage_school_settings",
    order=83,
    per_school=True,
)
menu_entry(
    "People",
    "Closure days and holidays",
    "closure-days",
    rule="esafety.manage_closure_days",
    order=84,
    per_school=True,
)
menu_entry(
    "People",
    "Integrations (API keys)",
    "api-tokens",
    rule="esafety.manage_api_tokens",
    order=85,
    per_school=True,
)
menu_entry(
    "Trust overview",
    "Trust overview",
    "trust-overview",
    rule="esafety.view_trust_overview",
    order=90,
)
menu_entry(
    "Trust overview",
    "Trust safeguarding lead",
    "trust-leads",
    rule="esafety.appoint_trust_lead",
    order=94,
)
menu_entry(
    "Trust overview",
    "Sign-in with Microsoft or Google",
    "trust-sign-in",
    rule="esafety.manage_trust_sign_in",
    order=95,
)
menu_entry(
    "People",
    "Subject access requests",
    "sar-list",
    rule="esafety.subject_access",
    order=86,
    per_school=True,
)
menu_entry(
    "People",
    "Retention and destruction",
    "retention-review",
    rule="esafety.retention",
    order=87,
    per_school=True,
)

# Local contacts: who to call (esafety/contacts.py registers the rules these name).
from . import contacts  # noqa: E402, F401

menu_entry(
    "Incidents",
    "Local contacts",
    "local-contacts",
    rule="esafety.view_local_contacts",
    order=19,
    per_school=True,
)
menu_entry(
    "Trust overview",
    "Local contacts",
    "trust-contacts",
    rule="esafety.view_trust_contacts",
    order=96,
)
