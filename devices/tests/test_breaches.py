"""Lost devices and the breach register: the 72-hour ICO clock, once per step."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from devices import breaches, services
from devices.models import Breach, Encryption, IcoDecision, Risk, Status
from devices.tests import factories
from devices.tests.test_loans import run_devices_sweep
from esafety.figures import figure_for
from esafety.models import Notification
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def lose_unencrypted_laptop(personas, client):
    laptop = factories.device(personas.school, encryption=Encryption.PASSWORD, encryption_method="")
    sign_in(client, personas.technician)
    response = client.post(
        reverse("device-report-loss", args=[laptop.pk]),
        {
            "kind": "stolen",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "where": "From a car outside the school",
            "held_personal_data": "yes",
            "personal_data": "Pupil reports for class 5B",
            "was_encrypted": "no",
        },
    )
    assert response.status_code == 302
    return laptop


def test_a_lost_unencrypted_laptop_opens_a_breach_and_tells_the_head(personas, client):
    laptop = lose_unencrypted_laptop(personas, client)
    laptop.refresh_from_db()
    assert laptop.status == Status.STOLEN
    breach = Breach.objects.get()
    assert breach.loss.device == laptop and "NOT encrypted" in breach.what_happened
    assert any("needs your ICO decision" in t for t in titles(personas.headteacher))


def test_a_device_without_personal_data_is_no_breach(personas):
    camera = factories.device(personas.school, holds_personal_data=False)
    breaches.report_loss(
        device=camera,
        by=personas.technician,
        kind="lost",
        happened_at=timezone.now(),
        where="Trip",
        held_personal_data=False,
        was_encrypted=False,
    )
    assert not Breach.objects.exists()
    # Still reported to the headteacher at once (the seed), with no ICO clock.
    assert titles(personas.headteacher) == [f"{camera} was reported lost (no personal data)"]


def test_reminders_at_24_and_48_hours_and_the_chair_at_60_each_once(personas, client):
    lose_unencrypted_laptop(personas, client)
    breach = Breach.objects.get()
    aware = breach.became_aware_at
    for hours in (23, 25, 25, 49, 49, 61, 61):
        run_devices_sweep(aware + timedelta(hours=hours))
    head = titles(personas.headteacher)
    assert head.count("48 hours left to decide whether to tell the ICO") == 1
    assert head.count("24 hours left to decide whether to tell the ICO") == 1
    chair = titles(personas.chair)
    assert len([t for t in chair if "no ICO decision after 60 hours" in t]) == 1
    breach.refresh_from_db()
    assert breach.escalated_at is not None
    assert breach.history.first().history_change_reason.startswith("No ICO decision")
    assert not titles(personas.trustee)


def test_no_reminder_once_the_head_has_decided(personas):
    breach = factories.breach(personas, likely_risk=Risk.UNLIKELY)
    breaches.decide_ico(
        breach=breach, by=personas.headteacher, decision="no", reason="Encrypted, recovered"
    )
    run_devices_sweep(breach.became_aware_at + timedelta(hours=61))
    assert not any("left to decide" in t for t in titles(personas.headteacher))
    assert not titles(personas.chair)


def test_after_72_hours_the_record_is_late_and_asks_why(personas, client):
    breach = factories.breach(personas, became_aware_at=timezone.now() - timedelta(hours=73))
    run_devices_sweep()
    assert "The 72 hours to tell the ICO about a data breach have passed" in titles(
        personas.headteacher
    )
    sign_in(client, personas.headteacher)
    page = client.get(reverse("breach-detail", args=[breach.pk])).content.decode()
    assert "The 72 hours have passed." in page
    url = reverse("breach-decide", args=[breach.pk])
    data = {
        "decision": "report",
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reference": "ICO/123",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "say why the decision was late" in response.content.decode()
    response = client.post(url, {**data, "late_reason": "The head was away; no deputy named."})
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.is_late() and not breach.reported_on_time()
    assert breach.decided_by == personas.headteacher


def test_the_head_records_a_decision_with_its_reason(personas):
    breach = factories.breach(personas, likely_risk=Risk.UNLIKELY)
    with pytest.raises(ValidationError) as error:
        breaches.decide_ico(breach=breach, by=personas.headteacher, decision="no")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        breaches.decide_ico(breach=breach, by=personas.headteacher, decision="report")
    assert {"reported_at", "reference"} <= set(error.value.message_dict)
    breaches.decide_ico(
        breach=breach,
        by=personas.headteacher,
        decision=IcoDecision.REPORT,
        reported_at=timezone.now(),
        reference="ICO-0001",
    )
    breach.refresh_from_db()
    assert breach.reported_on_time() and not breach.is_late()
    with pytest.raises(ValidationError, match="already been recorded"):
        breaches.decide_ico(breach=breach, by=personas.headteacher, decision="no", reason="x")


def test_a_high_risk_breach_cannot_be_left_unreported(personas):
    breach = factories.breach(personas, likely_risk=Risk.HIGH)
    with pytest.raises(ValidationError) as error:
        breaches.decide_ico(breach=breach, by=personas.headteacher, decision="no", reason="x")
    assert "decision" in error.value.message_dict


def test_trustees_figures_count_breaches_and_reports_on_time(personas, client):
    on_time = factories.breach(personas)
    breaches.decide_ico(
        breach=on_time,
        by=personas.headteacher,
        decision="report",
        reported_at=timezone.now(),
        reference="ICO-1",
    )
    late = factories.breach(personas, became_aware_at=timezone.now() - timedelta(hours=80))
    breaches.decide_ico(
        breach=late,
        by=personas.headteacher,
        decision="report",
        reported_at=timezone.now(),
        reference="ICO-2",
        late_reason="Half term",
    )
    factories.breach(personas, became_aware_at=timezone.now() - timedelta(hours=90))
    figures = figure_for("devices.summary", personas.school.pk)
    counts = (figures.breaches_year, figures.reported_year, figures.reported_on_time_year)
    assert counts == (3, 2, 1)
    assert figures.decided_late_year == 1
    sign_in(client, personas.trustee)
    page = client.get(reverse("devices-figures")).content.decode()
    assert "Oakwood Primary" in page and "email" not in page.lower()
    home = client.get(reverse("home")).content.decode()
    assert "3 personal-data breaches recorded; 2 reported to the ICO, 1 within 72 hours" in home


def test_the_heads_home_page_shows_the_clock(personas, client):
    breach = factories.breach(personas, became_aware_at=timezone.now() - timedelta(hours=10))
    sign_in(client, personas.headteacher)
    page = client.get(reverse("home")).content.decode()
    assert f"Breach {breach.number}" in page and "61 hours left" in page


def test_the_breach_pdf_holds_the_record(personas, client):
    import io

    breach = factories.breach(personas)
    sign_in(client, personas.esafety_officer)
    response = client.get(reverse("breach-pdf", args=[breach.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Personal-data breach record" in text and "wrong parent" in " ".join(text.split())


def test_disposal_without_a_certificate_is_refused(personas, client):
    laptop = factories.device(personas.school)
    sign_in(client, personas.technician)
    data = {
        "devices": [laptop.pk],
        "disposed_on": timezone.localdate(),
        "method": "recycle",
        "data_destruction": "Wiped",
        "company": "Green WEEE Ltd",
        "authorised_by": personas.headteacher.pk,
        "waste_transfer_note": SimpleUploadedFile("note.pdf", factories.PDF),
    }
    response = client.post(reverse("disposal-add", args=[personas.school.slug]), data)
    assert response.status_code == 400
    assert "needs a data-destruction certificate" in response.content.decode()
    laptop.refresh_from_db()
    assert laptop.status == Status.IN_USE
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf")
    data["waste_transfer_note"] = SimpleUploadedFile("note.pdf", factories.PDF)
    response = client.post(
        reverse("disposal-add", args=[personas.school.slug]), {**data, "certificate": fake}
    )
    assert (
        response.status_code == 400
        and "contents don&#x27;t match its name" in response.content.decode()
    )
    data["waste_transfer_note"] = SimpleUploadedFile("note.pdf", factories.PDF)
    ok = client.post(
        reverse("disposal-add", args=[personas.school.slug]),
        {**data, "certificate": SimpleUploadedFile("certificate.pdf", factories.PDF)},
    )
    assert ok.status_code == 302
    laptop.refresh_from_db()
    assert laptop.status == Status.DISPOSED
    # The disposal record as a PDF: the device, how its data was destroyed, the papers.
    disposal = laptop.disposals.get()
    pdf = client.get(reverse("disposal-pdf", args=[disposal.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    assert laptop.asset_tag in text and "Green WEEE Ltd" in text and "Wiped" in text
    assert "Data-destruction certificate On file: certificate" in text and "Authorised by" in text


def test_a_device_on_loan_cannot_be_disposed_of(personas):
    loan = factories.lend(personas, hand_over=True)
    with pytest.raises(ValidationError, match="still on loan"):
        services.dispose(
            school=personas.school,
            by=personas.technician,
            devices=[loan.device],
            disposed_on=timezone.localdate(),
            method="recycle",
            data_destruction="Wiped",
            company="X",
            waste_transfer_note=SimpleUploadedFile("n.pdf", factories.PDF),
            certificate=SimpleUploadedFile("c.pdf", factories.PDF),
            authorised_by=personas.headteacher,
        )
