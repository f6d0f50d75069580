"""The queue's rows are built in Python (templatetags/incident_display.py): whatever
people type is shown as text, never run as HTML, in the table and in the cards."""

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from incidents.models import IncidentPerson, IncidentTag
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db

TYPED = '<script>alert(1)</script> Tom & Jerry\'s "game"'


def test_what_people_typed_is_escaped_in_the_queue(personas, client):
    report(personas.school, personas.teacher, description=TYPED)
    named = report(personas.school, personas.teacher)
    personas.pupil.full_name = "<img src=x onerror=alert(2)>"
    personas.pupil.save()
    IncidentPerson.objects.create(incident=named, person=personas.pupil, kind="pupil")
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-queue")).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; Jerry&#x27;s &quot;game&quot;"
    assert page.count(escaped) == 2  # the table and the cards
    assert page.count("&lt;img src=x onerror=alert(2)&gt;") == 2


def test_filtering_by_kind_keeps_it_chosen_and_lists_only_those(personas, client):
    hate, other = IncidentTag.objects.filter(school=None)[:2]
    tagged = report(personas.school, personas.teacher, tags=[hate])
    untagged = report(personas.school, personas.teacher, tags=[other])
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-queue"), {"tag": hate.pk}).content.decode()
    assert f'<option value="{hate.pk}" selected>{hate.name}</option>' in page
    assert f">{tagged.reference}<" in page and f">{untagged.reference}<" not in page
