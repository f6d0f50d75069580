"""The inventory: the weekly check, import all or nothing, export, device form."""

import csv
import datetime
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from devices import services
from devices.inventory_import import import_inventory
from devices.models import CheckRound, Device, Encryption, Kind
from devices.tests.factories import device
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HEADER = "asset_tag,type,make_model,serial,holds_personal_data,encryption,encryption_method,"
HEADER += "os,os_checked,antivirus_updated,purchase_date\n"


def test_weekly_check_records_many_devices_in_one_submit(personas, client):
    stale = TODAY - timedelta(days=20)
    items = [
        device(personas.school, antivirus_updated_on=stale, os_checked_on=stale) for _ in range(5)
    ]
    untouched = device(personas.school, antivirus_updated_on=stale)
    sign_in(client, personas.technician)
    url = reverse("devices-check", args=[personas.school.slug])
    response = client.post(url, {"devices": [d.pk for d in items], "notes": "All fine"})
    assert response.status_code == 302
    for item in items:
        item.refresh_from_db()
        assert item.antivirus_updated_on == TODAY and item.os_checked_on == TODAY
        latest = item.history.first()
        assert latest.history_user == personas.technician
        assert latest.history_change_reason == "Weekly check"
    untouched.refresh_from_db()
    assert untouched.antivirus_updated_on == stale
    check = CheckRound.objects.get()
    assert check.checked_by == personas.technician and check.devices.count() == 5


def test_weekly_check_with_nothing_ticked_says_so(personas, client):
    device(personas.school)
    sign_in(client, personas.technician)
    response = client.post(reverse("devices-check", args=[personas.school.slug]), {})
    assert response.status_code == 400
    assert "Tick the devices you checked, or tick every device." in response.content.decode()
    assert not CheckRound.objects.exists()


def test_weekly_check_of_a_whole_inventory_in_one_submit(personas, client):
    stale = TODAY - timedelta(days=20)
    Device.objects.bulk_create(
        Device(school=personas.school, asset_tag=f"D-{n:04d}", kind=Kind.DESKTOP)
        for n in range(1500)
    )
    Device.objects.update(antivirus_updated_on=stale, os_checked_on=stale)
    sign_in(client, personas.technician)
    url = reverse("devices-check", args=[personas.school.slug])
    ids = list(Device.objects.values_list("pk", flat=True))
    # 1,400 ticks: more fields than Django allows by default (1,000).
    assert client.post(url, {"devices": ids[:1400]}).status_code == 302
    assert Device.objects.filter(antivirus_updated_on=TODAY).count() == 1400
    # Or one tick for every device in service.
    assert client.post(url, {"everything": "on", "notes": "All"}).status_code == 302
    assert Device.objects.filter(os_checked_on=TODAY).count() == 1500
    assert CheckRound.objects.latest("pk").devices.count() == 1500


def test_weekly_check_refuses_another_schools_device(personas):
    theirs = device(personas.other_school)
    with pytest.raises(Exception, match=r"not in service here"):
        services.record_check(school=personas.school, by=personas.technician, devices=[theirs])


def _import(personas, text, dry_run=False):
    return import_inventory(
        school=personas.school,
        uploaded_file_or_text=text,
        imported_by=personas.technician,
        dry_run=dry_run,
    )


GOOD_ROW = "LAP-1,laptop,Dell 3540,SN1,yes,bitlocker,,Windows,01/03/2026,2026-03-01,01/09/2024\n"


def test_import_creates_then_updates_by_asset_tag(personas):
    result = _import(personas, HEADER + GOOD_ROW + "IPAD-7,tablet,iPad,SN2,no,none,,iPadOS,,,\n")
    assert result.ok and result.created == 2
    laptop = Device.objects.get(asset_tag="LAP-1")
    assert laptop.encryption == Encryption.FULL_DISK and laptop.encryption_method == "BitLocker"
    assert laptop.history.first().history_user == personas.technician
    again = _import(personas, HEADER + GOOD_ROW.replace("Dell 3540", "Dell 3550"))
    assert again.ok and again.created == 0 and again.updated == 1
    assert Device.objects.get(asset_tag="LAP-1").make_model == "Dell 3550"


def test_an_mdm_style_export_is_understood(personas):
    text = "Asset Tag,Category,Model,Serial Number,Operating System,Last check-in,Encrypted\n"
    text += "T-100,Notebook,HP ProBook,5CG1,Windows,2026-01-05,BitLocker\n"
    result = _import(personas, text)
    assert result.ok, result.errors
    item = Device.objects.get(asset_tag="T-100")
    assert item.kind == Kind.LAPTOP and item.serial == "5CG1" and item.os_checked_on.year == 2026


def test_usb_media_come_in_with_their_last_virus_scan(personas):
    text = "Asset Tag,Category,Model,Last virus scan\nUSB-1,removable,IronKey,02/03/2026\n"
    result = _import(personas, text)
    assert result.ok, result.errors
    assert Device.objects.get(asset_tag="USB-1").scanned_on == datetime.date(2026, 3, 2)


def test_an_export_without_a_column_leaves_that_field_alone(personas):
    laptop = device(personas.school, asset_tag="T-100", antivirus_product="Defender")
    text = "Asset Tag,Category,Model,Last check-in\nT-100,Notebook,HP ProBook,2026-01-05\n"
    result = _import(personas, text)
    assert result.ok and result.updated == 1, result.errors
    laptop.refresh_from_db()
    assert laptop.make_model == "HP ProBook" and laptop.os_checked_on.year == 2026
    # No encryption or anti-virus columns: what was recorded stays.
    assert laptop.encryption == Encryption.FULL_DISK and laptop.encryption_method == "BitLocker"
    assert laptop.antivirus_product == "Defender" and laptop.holds_personal_data


def test_a_failed_import_changes_no_known_device(personas):
    laptop = device(personas.school, asset_tag="LAP-1", make_model="Old model")
    result = _import(personas, HEADER + GOOD_ROW + "X1,toaster,,,,,,,,,\n")
    assert not result.ok and result.errors[0].row == 3
    laptop.refresh_from_db()
    assert laptop.make_model == "Old model" and Device.objects.count() == 1


def test_import_refuses_a_status_it_cannot_set(personas):
    result = _import(personas, "asset_tag,type,status\nX1,laptop,lost\n")
    assert not result.ok and result.errors[0].column == "status"
    assert "in use or in store" in result.errors[0].message
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",laptop,,,,,,,,,\n", "asset_tag", "empty"),
        ("X1,toaster,,,,,,,,,\n", "type", "not a device type"),
        ("X1,laptop,,,maybe,,,,,,\n", "holds_personal_data", "yes or no"),
        ("X1,laptop,,,,sort of,,,,,\n", "encryption", "none, password or full-disk"),
        ("X1,laptop,,,,full-disk,,,,,\n", "encryption_method", "how it is encrypted"),
        ("X1,laptop,,,,,,,31/02/2026,,\n", "os_checked", "not a date"),
        ("X1,laptop,,,,,,,,01/01/2099,\n", "antivirus_updated", "in the future"),
        ("X1,laptop," + "M" * 130 + ",,,,,,,,\n", "make_model", "Longer than 120"),
        ("LAP-1,laptop,,,,,,,,,\n", "asset_tag", "also on row 2"),
        # What the device form refuses, the import refuses (issue 25).
        ("X1\x1b,laptop,,,,,,,,,\n", "asset_tag", "control character"),
        ("X\x07,laptop,,,,,,,,,\n", "asset_tag", "control character"),
        ("X1\x7f,laptop,,,,,,,,,\n", "asset_tag", "control character"),
        ("\u200b\u200b,laptop,,,,,,,,,\n", "asset_tag", "only invisible characters"),
        ("X1\u202e,laptop,,,,,,,,,\n", "asset_tag", "direction of the text"),
        ("X1,laptop,Dell \u2066,,,,,,,,\n", "make_model", "direction of the text"),
        ("X1,laptop,Dell \ufffd,,,,,,,,\n", "make_model", "could not be read"),
        (
            "X1,laptop,,,,,,,\u0660\u0661/\u0660\u0663/\u0662\u0660\u0662\u0666,,\n",
            "os_checked",
            "not a date",
        ),
    ],
)
def test_import_is_all_or_nothing_with_row_and_column(personas, row, column, message):
    result = _import(personas, HEADER + GOOD_ROW + row)
    assert not result.ok
    issue = result.errors[0]
    assert issue.row == 3 and issue.column == column and message in issue.message
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"serial,model\nSN1,Dell\n", "missing"),
        (HEADER.encode(), "no devices"),
        (b"asset_tag,type\nA\x00B,laptop\n", "binary"),
    ],
)
def test_import_refuses_a_bad_file_with_a_message(personas, client, content, message):
    sign_in(client, personas.technician)
    upload = SimpleUploadedFile("devices.csv", content, content_type="text/csv")
    response = client.post(reverse("devices-import", args=[personas.school.slug]), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        (HEADER + GOOD_ROW).replace("\n", "\r"),  # an old Mac's line ends
        HEADER + GOOD_ROW.replace("Dell 3540", '"Dell\r3540"'),  # a CR inside a quoted cell
    ],
    ids=["CR-only line ends", "bare CR in a cell"],
)
def test_import_reads_any_line_ends(personas, text):
    result = _import(personas, text)
    assert result.ok, [str(e) for e in result.errors]
    device = Device.objects.get()
    assert (device.asset_tag, device.make_model) == ("LAP-1", "Dell 3540")


@pytest.mark.parametrize(
    ("content", "make_model"),
    [
        (b"\xef\xbb\xbf" + (HEADER + GOOD_ROW).encode(), "Dell 3540"),
        (
            (HEADER + GOOD_ROW.replace("Dell 3540", "Dell Caf\u00e9")).encode("cp1252"),
            "Dell Caf\u00e9",
        ),
        ((HEADER + GOOD_ROW).encode("utf-16"), "Dell 3540"),
    ],
    ids=["UTF-8 with a BOM", "Windows-1252 (older Excel)", "UTF-16 (Excel's Unicode text)"],
)
def test_import_reads_the_encodings_excel_saves(personas, client, content, make_model):
    sign_in(client, personas.technician)
    upload = SimpleUploadedFile("devices.csv", content, content_type="text/csv")
    url = reverse("devices-import", args=[personas.school.slug])
    response = client.post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    device = Device.objects.get()
    assert (device.asset_tag, device.make_model) == ("LAP-1", make_model)


def test_a_formula_imported_as_text_is_escaped_in_the_export(personas, client):
    """A cell that would run in a spreadsheet is kept as the text it is (an asset tag may
    start with "-"), and every download escapes it."""
    row = GOOD_ROW.replace("LAP-1", "-LAP-1").replace("Dell 3540", '"=HYPERLINK(""http://x"")"')
    result = _import(personas, HEADER + row)
    assert result.ok, [str(e) for e in result.errors]
    sign_in(client, personas.technician)
    response = client.get(reverse("devices-export", args=[personas.school.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[1][0] == "'-LAP-1" and rows[1][2] == '\'=HYPERLINK("http://x")'


def test_a_cell_too_large_to_read_is_a_message_not_an_error(personas):
    result = _import(personas, HEADER + 'X1,laptop,"' + "M" * 140_000 + '",,,,,,,,\n')
    assert not result.ok
    assert "couldn't be read as CSV" in result.errors[0].message
    assert not Device.objects.exists()


def test_import_check_only_writes_nothing(personas):
    result = _import(personas, HEADER + GOOD_ROW, dry_run=True)
    assert result.ok and result.created == 1 and not result.imported
    assert not Device.objects.exists()


def test_csv_export_is_formula_safe(personas, client):
    device(personas.school, asset_tag='=HYPERLINK("http://x")', make_model="+SUM(A1)")
    sign_in(client, personas.technician)
    response = client.get(reverse("devices-export", args=[personas.school.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][2] == "'+SUM(A1)"


def test_device_form_explains_bad_input(personas, client):
    device(personas.school, asset_tag="LAP-9")
    sign_in(client, personas.technician)
    response = client.post(
        reverse("device-add", args=[personas.school.slug]),
        {
            "asset_tag": "lap-9",
            "kind": "laptop",
            "ownership": "school",
            "status": "in_use",
            "encryption": "full_disk",
            "antivirus_updated_on": "2099-01-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Another device in this school has this asset tag." in page
    assert Device.objects.count() == 1


def test_device_form_saves_with_history(personas, client):
    sign_in(client, personas.technician)
    response = client.post(
        reverse("device-add", args=[personas.school.slug]),
        {
            "asset_tag": "CAM-1",
            "kind": "camera",
            "ownership": "school",
            "status": "in_store",
            "encryption": "none",
        },
    )
    assert response.status_code == 302
    item = Device.objects.get(asset_tag="CAM-1")
    assert item.history.get().history_user == personas.technician
