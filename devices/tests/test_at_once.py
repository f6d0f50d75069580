"""Each of the devices app's do-once steps clicked several times at the same moment,
through a real server on the project's database (SQLite, or PostgreSQL in CI): done once,
and every click lands where a single click lands, none on an error page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from devices.models import Status
from devices.tests.factories import breach, confiscation, lend
from esafety.testing import sign_in
from esafety.testing_http import clicked_at_once, notes_after

pytestmark = pytest.mark.django_db(transaction=True)


def _saves(record) -> int:
    return record.history.count()


def test_handing_over_at_once_hands_over_once(personas, http_server):
    loan = lend(personas, sign=True)
    path = reverse("loan-hand-over", args=[loan.pk])
    landed = clicked_at_once(http_server, path, personas.technician)
    assert landed == {reverse("loan-detail", args=[loan.pk])}
    loan.refresh_from_db()
    assert loan.handed_over_by == personas.technician
    assert [h.handed_over_at is not None for h in loan.history.all()].count(True) == 1
    assert loan.device.status == Status.ON_LOAN


def test_recording_a_return_at_once_records_it_once(personas, http_server):
    loan = lend(personas, hand_over=True)
    path = reverse("loan-return", args=[loan.pk])
    checklist = {
        "condition": "good",
        "accessories_returned": "on",
        "accounts_cleared": "on",
        "factory_reset": "on",
    }
    landed = clicked_at_once(http_server, path, personas.technician, checklist)
    assert landed == {reverse("loan-detail", args=[loan.pk])}
    loan.refresh_from_db()
    assert loan.return_checked_by == personas.technician
    assert [h.returned_at is not None for h in loan.history.all()].count(True) == 1


def test_releasing_a_confiscated_device_at_once_releases_it_once(personas, http_server):
    held = confiscation(personas)
    path = reverse("confiscation-release", args=[held.pk])
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {"released_to": "Their mother", "when": when}
    landed = clicked_at_once(http_server, path, personas.esafety_officer, data)
    assert landed == {reverse("confiscation-detail", args=[held.pk])}
    held.refresh_from_db()
    assert held.released_to == "Their mother"
    assert [h.released_at is not None for h in held.history.all()].count(True) == 1


def test_deciding_on_the_ico_at_once_decides_once(personas, http_server):
    found = breach(personas)
    path = reverse("breach-decide", args=[found.pk])
    data = {"decision": "no", "reason": "Unlikely to risk anyone's rights: recalled unread."}
    landed = clicked_at_once(http_server, path, personas.headteacher, data)
    assert landed == {reverse("breach-detail", args=[found.pk])}
    found.refresh_from_db()
    assert found.ico_decision == "no"
    assert [h.ico_decision == "no" for h in found.history.all()].count(True) == 1


def test_a_second_click_on_hand_over_is_a_note_not_an_error(personas, client):
    loan = lend(personas, sign=True)
    sign_in(client, personas.technician)
    path = reverse("loan-hand-over", args=[loan.pk])
    client.post(path, follow=True)  # the first click, its note read on the page it opens
    second = client.post(path)
    assert second.url == reverse("loan-detail", args=[loan.pk])
    assert notes_after(second) == [("info", f"{loan.device.asset_tag} was already handed over.")]


def test_breaches_recorded_at_once_each_get_the_schools_next_number(personas, http_server):
    """Five breaches sent at the same moment (two people, two tabs): each is numbered, none
    twice and none missed, and nobody meets an error page."""
    from devices.models import Breach

    path = reverse("breach-add", args=[personas.school.slug])
    data = {
        "became_aware_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "what_happened": "A class list was emailed to the wrong parent.",
        "data_affected": "Names of 28 pupils",
        "people_affected": "28 pupils",
    }
    landed = clicked_at_once(http_server, path, personas.headteacher, data)
    numbers = sorted(Breach.objects.filter(school=personas.school).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(landed) == len(numbers) >= 1
