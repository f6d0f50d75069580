"""Demo MIS sync settings for `manage.py seed_demo`: each demo school uploads OneRoster
bundles (the demo has no MIS to connect to). No runs: the demo's people are its own."""

from .models import Kind, RosterSource


def seed(schools):
    for school in schools.values():
        RosterSource.objects.get_or_create(school=school, defaults={"kind": Kind.BUNDLE})
