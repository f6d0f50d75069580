"""The headteacher's do-once steps clicked several times at the same moment, through a
real server on the project's database (PostgreSQL in CI): one response, one allegation,
and every click lands where a single click lands."""

import pytest
from django.urls import reverse

from concerns.models import LowLevelConcern, Status
from concerns.tests.factories import concern
from esafety.testing_http import clicked_at_once
from incidents.models import Incident

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_referring_at_once_opens_one_allegation(personas, http_server):
    made = concern(personas.school, personas.esafety_officer, personas.teacher)
    path = reverse("concern-refer", args=[made.pk])
    landed = clicked_at_once(http_server, path, personas.headteacher, {"notes": "Threshold met."})
    assert landed == {made.get_absolute_url()}
    assert Incident.objects.count() == 1
    made.refresh_from_db()
    assert made.status == Status.REFERRED and made.referred_incident == Incident.objects.get()


def test_responding_at_once_records_one_response(personas, http_server):
    made = concern(personas.school, personas.esafety_officer, personas.teacher)
    path = reverse("concern-respond", args=[made.pk])
    sent = {"response": "spoken_to", "notes": "Talked it through."}
    landed = clicked_at_once(http_server, path, personas.headteacher, sent)
    assert landed == {made.get_absolute_url()}
    changes = LowLevelConcern.history.filter(id=made.pk, status=Status.REVIEWED)
    assert changes.count() == 1


def test_raising_at_once_records_one_concern(personas, http_server):
    path = reverse("concern-create", args=[personas.school.slug])
    sent = {"about": personas.technician.pk, "what_happened": "Swore.", "once": "a" * 22}
    landed = clicked_at_once(http_server, path, personas.teacher, sent)
    assert landed == {reverse("concern-sent", args=[personas.school.slug])}
    assert LowLevelConcern.objects.count() == 1
