"""The device inventory through the API: read in pages, added and changed with the same
checks as the device form, each change in the device's history with the key's name."""

import pytest

from devices.models import Device
from esafety.api.tokens import make_token


@pytest.fixture
def headers(personas):
    _, key = make_token(
        school=personas.school,
        name="Intune sync",
        scopes=["devices.inventory"],
        by=personas.technician,
    )
    return {"Authorization": f"Bearer {key}"}


LAPTOP = {
    "asset_tag": "LAP-001",
    "kind": "laptop",
    "make_model": "Dell Latitude 3440",
    "holds_personal_data": True,
    "encryption": "full_disk",
    "encryption_method": "BitLocker",
    "os_checked_on": "2026-12-01",
}


def test_a_device_is_added_changed_and_read_with_its_history(personas, client, headers):
    added = client.post(
        "/api/v1/devices/", LAPTOP, content_type="application/json", headers=headers
    )
    assert added.status_code == 201, added.json()
    device = Device.objects.get(asset_tag="LAP-001")
    assert device.school == personas.school and device.encryption_method == "BitLocker"
    changed = client.patch(
        "/api/v1/devices/LAP-001/",
        {"os_version": "23H2", "os_checked_on": "2026-12-06"},
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == 200, changed.json()
    device.refresh_from_db()
    assert device.os_version == "23H2" and device.make_model == "Dell Latitude 3440"
    last = device.history.first()
    assert last.history_user == personas.technician and "Intune sync" in last.history_change_reason
    listed = client.get("/api/v1/devices/?kind=laptop", headers=headers).json()
    assert listed["count"] == 1 and listed["results"][0]["asset_tag"] == "LAP-001"


def test_the_device_forms_checks_apply(personas, client, headers):
    client.post("/api/v1/devices/", LAPTOP, content_type="application/json", headers=headers)
    twice = client.post(
        "/api/v1/devices/", LAPTOP, content_type="application/json", headers=headers
    )
    assert twice.status_code == 400 and "asset tag" in str(twice.json())
    no_method = {**LAPTOP, "asset_tag": "LAP-002", "encryption_method": ""}
    refused = client.post(
        "/api/v1/devices/", no_method, content_type="application/json", headers=headers
    )
    assert refused.status_code == 400 and "encryption_method" in refused.json()
    lent = client.patch(
        "/api/v1/devices/LAP-001/",
        {"status": "lost"},
        content_type="application/json",
        headers=headers,
    )
    assert lent.status_code == 400  # losses are reported on their own page
    assert (
        client.patch(
            "/api/v1/devices/NOPE/", {}, content_type="application/json", headers=headers
        ).status_code
        == 404
    )


def test_another_schools_devices_are_not_seen(personas, client, headers):
    Device.objects.create(school=personas.other_school, asset_tag="ELM-1", kind="laptop")
    assert client.get("/api/v1/devices/", headers=headers).json()["count"] == 0
    assert (
        client.patch(
            "/api/v1/devices/ELM-1/",
            {"notes": "x"},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 404
    )


def test_the_same_device_sent_five_times_at_once_is_added_once(personas, http_server):
    """A management tool's retries arriving together: one device, the rest told why."""
    _, key = make_token(
        school=personas.school,
        name="Intune sync",
        scopes=["devices.inventory"],
        by=personas.technician,
    )
    server = http_server()
    replies = server.json_at_once("/api/v1/devices/", [LAPTOP] * 5, key=key)
    assert sorted(reply.status for reply in replies) == [201, 400, 400, 400, 400], [
        r.body[-300:] for r in replies
    ]
    server.sync()
    assert Device.objects.filter(asset_tag="LAP-001").count() == 1
