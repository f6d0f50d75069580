"""Text people type (descriptions, notes, actions, names) keeps its own direction: an
Arabic or Urdu line reads right to left inside an English page (dir="auto" or <bdi>)."""

import re

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from incidents import services
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db

ARABIC = "أرسل رسالة مسيئة إلى التلميذ"
URDU_NAME = "عائشہ خان"


def isolated(page: str, text: str) -> bool:
    """`text` is the first thing in an element with dir="auto", or in a <bdi>."""
    return re.search(rf'(dir="auto"[^>]*>|<bdi>)\s*{re.escape(text)}', page) is not None


def test_the_incident_page_isolates_what_was_typed(personas, client):
    officer = personas.esafety_officer
    incident = report(
        personas.school,
        personas.teacher,
        description=ARABIC,
        action_taken=f"{ARABIC} 2",
        platform="تطبيق",
    )
    services.add_person(incident=incident, by=officer, name=URDU_NAME, kind="visitor", part="other")
    services.add_timeline_entry(incident=incident, by=officer, text=f"{ARABIC} 3")
    sign_in(client, officer)
    page = client.get(incident.get_absolute_url()).content.decode()
    for text in (ARABIC, f"{ARABIC} 2", "تطبيق", URDU_NAME, f"{ARABIC} 3"):
        assert isolated(page, text), text
    queue = client.get(reverse("incident-queue")).content.decode()
    assert f"<bdi>{ARABIC}</bdi>" in queue


def test_text_boxes_take_the_direction_of_what_is_typed(personas, client):
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-create")).content.decode()
    for name in ("description", "action_taken", "platform", "people-0-name"):
        box = re.search(rf'<(textarea|input)[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'dir="auto"' in box, name
