"""The incident log's retention rules: a closed incident about a pupil reaches its date
on the pupil's 25th birthday; destroying it removes its evidence files from storage, its
people, timeline and evidence, and every history row of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from esafety.retention import services
from esafety.retention.registry import record_ref
from incidents.models import (
    Evidence,
    Incident,
    IncidentPerson,
    Part,
    PersonKind,
    Status,
    TimelineEntry,
)
from incidents.tests.factories import report


def test_destroying_an_incident_removes_its_files_and_history(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    p = personas
    p.pupil.date_of_birth = datetime.date(1996, 2, 29)
    p.pupil.save()
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    incident = report(p.school, p.teacher, people=[entry])
    evidence = Evidence(
        incident=incident,
        original_name="log.txt",
        content_type="text/plain",
        size=5,
        uploaded_by=p.teacher,
    )
    evidence.file.save("log.txt", ContentFile(b"a log"), save=False)
    evidence.save()
    name = evidence.file.name
    assert default_storage.exists(name) and (tmp_path / name).exists()
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    ids = {
        "parts": list(
            IncidentPerson.objects.filter(incident=incident).values_list("pk", flat=True)
        ),
        "timeline": list(
            TimelineEntry.objects.filter(incident=incident).values_list("pk", flat=True)
        ),
    }

    # 25 on 1 March 2021 (2021 has no 29 February): not before.
    before = services.review(p.school, p.esafety_officer, datetime.date(2021, 2, 28))
    assert record_ref(incident) not in {d.candidate.ref for g in before for d in g.due}
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_destruction(
            school=p.school,
            by=p.esafety_officer,
            refs=[record_ref(incident)],
            today=datetime.date(2021, 3, 1),
        )

    assert not (tmp_path / name).exists() and not default_storage.exists(name)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert not Incident.history.filter(id=incident.pk).exists()
    assert not Evidence.history.filter(id=evidence.pk).exists()
    assert not IncidentPerson.history.filter(id__in=ids["parts"]).exists()
    assert not TimelineEntry.history.filter(id__in=ids["timeline"]).exists()


def test_a_failed_batch_keeps_the_files(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    """A record still linked elsewhere stops the batch: nothing deleted, files kept."""
    from devices.models import Search

    settings.MEDIA_ROOT = tmp_path
    p = personas
    p.pupil.date_of_birth = datetime.date(1990, 1, 31)
    p.pupil.save()
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    incident = report(p.school, p.teacher, people=[entry])
    evidence = Evidence(
        incident=incident,
        original_name="a.txt",
        content_type="text/plain",
        size=1,
        uploaded_by=p.teacher,
    )
    evidence.file.save("a.txt", ContentFile(b"a"), save=False)
    evidence.save()
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    Search.objects.create(
        school=p.school,
        pupil=p.pupil,
        searched_by=p.teacher,
        reason="r",
        looked_for="l",
        incident=incident,
    )
    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        services.approve_destruction(
            school=p.school, by=p.esafety_officer, refs=[record_ref(incident)]
        )
    assert "still linked" in str(error.value)
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert (tmp_path / evidence.file.name).exists()


def test_the_sending_schools_copy_of_a_childs_file_until_they_are_25(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Kept until the pupil's 25th birthday; then destroyed with its stored file and its
    history; never listed while open, nor for a head the pupil's file is hidden from."""
    from incidents import transfers
    from incidents.models import FileTransfer, Subject

    settings.MEDIA_ROOT = tmp_path
    p = personas
    p.pupil.date_of_birth = datetime.date(2000, 1, 31)
    p.pupil.save()
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry], subject=Subject.HEADTEACHER)
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=datetime.date(2016, 7, 20), destination="X"
    )
    ref = record_ref(transfer)

    def due(on, viewer=p.esafety_officer):
        groups = services.review(p.school, viewer, on)
        return {d.candidate.ref for g in groups for d in g.due}

    assert ref not in due(datetime.date(2025, 2, 1))  # still open
    transfer.items.create(
        ref="incidents:chronology", kind="Chronology", title="x", chosen_by=p.esafety_officer
    )
    transfers.send(
        transfer=transfer,
        by=p.esafety_officer,
        pdf_for=lambda t, v: b"%PDF-1.4 file",
        how="secure_email",
    )
    transfer.refresh_from_db()
    stored = tmp_path / transfer.bundle.name
    assert stored.exists()
    assert ref not in due(datetime.date(2025, 1, 31))  # sent, waiting for receipt: open
    transfers.record_receipt(
        transfer=transfer, by=p.esafety_officer, received_on=transfer.sent_at.date(), note="Reply"
    )
    assert ref not in due(datetime.date(2025, 1, 30))
    assert ref in due(datetime.date(2025, 1, 31))
    assert ref not in due(datetime.date(2025, 1, 31), viewer=p.headteacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_destruction(
            school=p.school, by=p.esafety_officer, refs=[ref], today=datetime.date(2025, 1, 31)
        )
    assert not FileTransfer.objects.filter(pk=transfer.pk).exists()
    assert not FileTransfer.history.filter(id=transfer.pk).exists()
    assert not stored.exists()


def test_an_allegation_found_malicious_is_listed_once_closed(personas, client):
    """The review records the outcome (asked only for an allegation about an adult); a
    malicious one is listed for removal as soon as it closes, however young the person."""
    from django.urls import reverse
    from django.utils import timezone

    from esafety.testing import sign_in
    from incidents.models import Subject

    p = personas
    entry = {"person": p.teacher, "name": "", "kind": PersonKind.STAFF, "part": Part.ALLEGED}
    allegation = report(p.school, p.esafety_officer, subject=Subject.STAFF, people=[entry])
    about_a_pupil = report(p.school, p.teacher)
    from incidents import services as incident_services

    incident_services.acknowledge(incident=allegation, by=p.esafety_officer)
    sign_in(client, p.esafety_officer)
    step = reverse("incident-action", args=[allegation.pk, "review"])
    assert "Outcome of the allegation" in client.get(step).content.decode()
    other = reverse("incident-action", args=[about_a_pupil.pk, "review"])
    assert "Outcome of the allegation" not in client.get(other).content.decode()
    reply = client.post(
        step, {"result": "Disproved: the messages were forged.", "outcome": "malicious"}
    )
    assert reply.status_code == 302
    allegation.refresh_from_db()
    assert allegation.get_allegation_outcome_display().startswith("Malicious")

    today = timezone.localdate()
    ref = record_ref(allegation)

    def listed():
        return {
            d.candidate.ref
            for g in services.review(p.school, p.esafety_officer, today)
            for d in g.due
        }

    assert ref not in listed()  # still open
    Incident.objects.filter(pk=allegation.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    assert ref in listed()
    Incident.objects.filter(pk=allegation.pk).update(allegation_outcome="unfounded")
    assert ref not in listed()  # kept to 67 or 10 years; with no date of birth, not dated
