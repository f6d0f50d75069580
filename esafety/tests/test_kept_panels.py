"""Kept home panels (esafety.dashboard): a person's panels that follow figures are computed
once and kept until one of those figures goes stale in one of their schools. That is only
right if every row a kept panel reads is in those figures' `stale_on`: the first test
runs each kept panel as each demo role and checks the tables in the SQL it sends."""

import pickle
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from esafety.dashboard import kept_panel_follows
from esafety.figures import figures_for, registered_figures
from esafety.models import Role, User
from esafety.testing import sign_in
from esafety.tests.test_navigation import DEMO_LOGINS

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')
# Read by kept panels though no figure follows them, each for a reason:
NOT_FOLLOWED = {
    "esafety_school",  # its name on a row: renamed rarely, and KEPT_PANELS_SECONDS bounds it
    "esafety_user",  # people's names on a row, likewise; who holds which role: memberships
    "esafety_trust",  # the trust's name and settings, likewise
    "esafety_trusteemembership",  # the reader's own are in the key (Access.signature)
}


def followed_tables(names) -> set[str]:
    """The tables of every model these figures are made stale by, and the many-to-many
    tables of those models (set in the same transaction as the model's save, whose
    commit makes the figure stale: an incident's tags)."""
    tables = set()
    for name in names:
        for model in registered_figures()[name].stale_on:
            model = apps.get_model(model) if isinstance(model, str) else model
            tables.add(model._meta.db_table)
            tables |= {f.remote_field.through._meta.db_table for f in model._meta.many_to_many}
    return tables


def run_panel(func, user):
    request = RequestFactory().get("/")
    request.user = user
    panel = func(request)
    pickle.dumps(panel)  # as the cache stores it: lazy lists are read here
    return panel


@pytest.mark.django_db
def test_every_kept_panel_reads_only_rows_its_figures_follow(monkeypatch):
    call_command("seed_demo", verbosity=0)
    users = [User.objects.get(email=email) for email in DEMO_LOGINS.values()]
    kept = kept_panel_follows()
    for user in users:  # once to fill the figures: their own reads are not the panel's
        for func in kept:
            run_panel(func, user)
    # A panel's own kept values (cached_for_person) are recomputed, so their reads show.
    monkeypatch.setattr("esafety.figures.cached_while_fresh", lambda what, compute, **kw: compute())
    unfollowed, shown = {}, set()
    for user in users:
        for func, follows in kept.items():
            with CaptureQueriesContext(connection) as queries:
                panel = run_panel(func, user)
            shown |= {func} if panel else set()
            read = {t for q in queries.captured_queries for t in TABLE.findall(q["sql"])}
            extra = read - followed_tables(follows) - NOT_FOLLOWED
            if extra:
                unfollowed[f"{func.__module__}.{func.__name__}"] = sorted(extra)
    assert not unfollowed, f"Kept panels reading rows no figure they follow covers: {unfollowed}"
    # The demo shows most kept panels, so their list queries (and prefetches) ran above.
    assert len(shown) >= len(kept) * 3 // 4, sorted(f.__name__ for f in set(kept) - shown)


@pytest.mark.django_db
def test_a_kept_panel_is_read_from_the_cache_and_shows_a_change_on_the_next_visit():
    call_command("seed_demo", verbosity=0)
    head = User.objects.get(email=DEMO_LOGINS["headteacher"])
    school = head.memberships.get(role=Role.HEADTEACHER).school
    technician = User.objects.create(email="tech2@hillside.example", full_name="Tom Technician")
    school.memberships.create(user=technician, role=Role.TECHNICIAN)
    client = sign_in(Client(), technician)
    assert "Nia Newcomer" not in client.get("/").content.decode()
    # Every figure computed first, so what the repeat visit saves is the panels' own work.
    for name in registered_figures():
        figures_for(name, [school.pk])
    with CaptureQueriesContext(connection) as first:
        sign_in(Client(), head).get("/")
    with CaptureQueriesContext(connection) as again:
        sign_in(Client(), head).get("/")
    # The head's kept panels (a dozen, most a query or more) come from the cache.
    assert len(again) <= len(first) - 10, (len(first), len(again))

    newcomer = User.objects.create(email="newcomer@hillside.example", full_name="Nia Newcomer")
    school.memberships.create(user=newcomer, role=Role.STAFF, started_on=timezone.localdate())
    # A membership makes the figures that follow memberships stale (esafety.people among
    # them): the technician's starters list shows her on the next visit.
    assert "Nia Newcomer" in client.get("/").content.decode()
