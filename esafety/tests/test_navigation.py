"""Every page is reachable from the navigation. On the demo data (`seed_demo`: schools
with documents, incidents, risks, training, loans), a crawl from the home page as each
role, following only the links on the pages it reaches, finds every page of the
permission matrix that role may open whose address names no record (a record's page is
reached from its list, and the matrix tests each record page's access on its own)."""

import re
from collections import Counter
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve
from django.urls.converters import IntConverter

from esafety.models import User
from esafety.testing import collect_routes, sign_in

# A demo login for each persona of the matrix (see `seed_demo`'s list).
DEMO_LOGINS = {
    "headteacher": "head@hillside.example",
    "esafety_officer": "esafety@hillside.example",
    "teacher": "teacher@brookfield.example",
    "technician": "technician@riverside.example",
    "parent": "parent@brookfield.example",
    "pupil": "pupil@brookfield.example",
    "trustee": "trustee@riverside.example",
    "chair": "chair@riverside.example",
}
# Not pages a person navigates to, each for a reason:
NOT_NAVIGATED = {
    "people-search",  # the people picker's search, fetched by the picker as you type
    "session-status",  # polled by the idle-timeout script
    "health",  # for the hosting's monitoring
    "login",  # signed-in people are sent home from it
    "two-factor-verify",  # asked for at sign-in
    "password_change_done",  # shown after changing a password
    "password_reset",  # linked from the sign-in page, for people signed out
    "password_reset_done",  # shown after asking for a reset link
    "password_reset_confirm",  # the link in the reset email
    "password_reset_complete",  # shown after setting the new password
    "invitation-accept",  # the link in the invitation email
    "two-factor-setup",  # offered on "Your account" to people without an authenticator
    "api-schema",  # the API's description for integrations, linked from its documentation
    "my-loans",  # on the home panel of someone with a device on loan (the demo parent)
    "concern-sent",  # shown after raising a low-level concern
    "worry-thanks",  # shown after a pupil sends a worry
    "worry-parent-thanks",  # shown after a parent sends a worry
    # Public, for a link on the school's website; pupils reach it from their home page.
    "worry-pupil",
}
# Pages some roles reach another way: trustees see one school's figures by picking the
# school on the trust's dashboard (the school's own page is the headteacher's view).
REACHED_OTHERWISE = {
    "trustee": {"governance-school", "governance-school-csv"},
    "chair": {"governance-school", "governance-school-csv"},
}
NOT_FETCHED = re.compile(r"\.(pdf|csv|png|svg|ics)$|^/static/|^/media/|^/admin/")
HREF = re.compile(r'href="(/[^"#]*)"')
PAGES_PER_NAME = 3  # enough to follow a list to its records without walking every record


def takes_a_record(url_name: str) -> bool:
    for *_, converters in get_resolver().reverse_dict.getlist(url_name):
        if any(isinstance(c, IntConverter) for c in converters.values()):
            return True
    return False


def crawl(client) -> set[str]:
    """The URL names of the pages reached by following links from home (GET only)."""
    per_name, seen, queue = Counter(), set(), ["/"]
    while queue:
        path = urlsplit(queue.pop(0)).path
        if path in seen:
            continue
        seen.add(path)
        try:
            name = resolve(path).url_name
        except Resolver404:
            continue
        per_name[name] += 1
        if per_name[name] > PAGES_PER_NAME or NOT_FETCHED.search(path):
            continue
        response = client.get(path, follow=True)  # a menu link may redirect to its page
        for landed, _status in response.redirect_chain:
            queue.append(landed)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(unescape(href) for href in HREF.findall(response.content.decode()))
    return set(per_name)


def pages_to_reach(persona: str) -> set[str]:
    return {
        route.name
        for route in collect_routes()
        if route.method == "get"
        and route.expect[persona] == 200
        and not route.data
        and route.name not in NOT_NAVIGATED | REACHED_OTHERWISE.get(persona, set())
        and not takes_a_record(route.name)
    }


@pytest.mark.django_db
def test_every_page_each_role_may_open_is_reachable_from_the_navigation():
    call_command("seed_demo", verbosity=0)
    unreached = {}
    for persona, email in DEMO_LOGINS.items():
        reached = crawl(sign_in(Client(), User.objects.get(email=email)))
        if missing := pages_to_reach(persona) - reached:
            unreached[persona] = sorted(missing)
    assert not unreached, f"Pages no link leads to, by role: {unreached}"
