"""The demo school's MIS sync page is ready to take a bundle."""

import pytest
from django.core.management import call_command

from roster.models import Kind, RosterSource

pytestmark = pytest.mark.django_db


def test_the_demo_schools_sync_from_uploaded_bundles(settings):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # twice: nothing made twice
    sources = RosterSource.objects.all()
    assert sources.count() >= 1
    assert {s.kind for s in sources} == {Kind.BUNDLE}
    assert not any(s.runs.exists() for s in sources)
