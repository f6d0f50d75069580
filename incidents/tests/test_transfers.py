"""A child's file to the next school: the deadline in school days, the task opened by a
leaver with a destination, the names flagged and decided, sending in the trust with one
click of receipt, and the headteacher rule (a pupil in a concern about the head)."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.core import mail  # noqa: F401  (emails are queued on commit)
from django.urls import reverse
from pypdf import PdfReader

from esafety.models import ClosureDay, Membership, Notification, Role, SchoolHoliday
from esafety.services import end_membership
from esafety.testing import person, sign_in
from incidents import transfer_files, transfers
from incidents.models import FileTransfer, Part, PersonKind, Subject
from incidents.models_transfers import SentHow, TransferStatus
from incidents.tests.factories import report

D = datetime.date


def involving(p, who, part=Part.TARGET, description="", **fields):
    entry = {"person": who, "name": "", "kind": PersonKind.PUPIL, "part": part}
    if description:
        fields["description"] = description
    return report(p.school, p.teacher, people=[entry], **fields)


def holiday(school, name, first, last):
    return SchoolHoliday.objects.create(school=school, name=name, starts_on=first, ends_on=last)


# --- the deadline --------------------------------------------------------------------------


def test_an_in_year_move_is_due_five_school_days_after_the_last_day(personas):
    due, reason = transfers.transfer_due(personas.school, D(2026, 11, 11))  # a Wednesday
    assert due == D(2026, 11, 18)
    assert reason.startswith("5 school days after the last day, Wed 11 Nov 2026")


def test_a_move_on_the_friday_before_half_term_is_due_in_the_first_week_back(personas):
    school = personas.school
    holiday(school, "Autumn half term", D(2026, 10, 26), D(2026, 10, 30))
    due, reason = transfers.transfer_due(school, D(2026, 10, 23))
    assert due == D(2026, 11, 6)  # the 5th day of the second half of term
    assert "Autumn half term skipped" in reason


def test_a_move_at_the_end_of_the_summer_term_is_due_on_the_fifth_day_of_autumn(personas):
    school = personas.school
    holiday(school, "Summer holiday", D(2026, 7, 20), D(2026, 9, 2))
    ClosureDay.objects.create(school=school, date=D(2026, 9, 3), reason="INSET")
    due, reason = transfers.transfer_due(school, D(2026, 7, 17))
    # Term starts Thu 3 Sep with an INSET day: 4, 7, 8, 9 and 10 September are the five.
    assert due == D(2026, 9, 10)
    assert "Summer holiday skipped" in reason and "INSET" in reason


def test_without_holidays_recorded_the_page_can_say_so(personas):
    school = personas.school
    assert transfers.holidays_unknown(school, D(2026, 7, 17))
    holiday(school, "Summer holiday", D(2026, 7, 20), D(2026, 9, 2))
    assert not transfers.holidays_unknown(school, D(2026, 7, 17))


# --- opening the task ----------------------------------------------------------------------


def pupil_role(p, pupil=None):
    return Membership.objects.get(user=pupil or p.pupil, school=p.school, role=Role.PUPIL)


def test_a_pupil_with_something_on_file_leaving_by_hand_opens_one_task(
    personas, django_capture_on_commit_callbacks
):
    p = personas
    involving(p, p.pupil)
    with django_capture_on_commit_callbacks(execute=True):
        end_membership(
            membership=pupil_role(p), ended_on=D(2026, 11, 12), destination="Elmridge Primary"
        )
    transfer = FileTransfer.objects.get()
    assert (transfer.pupil, transfer.last_day, transfer.due_on) == (
        p.pupil,
        D(2026, 11, 11),
        D(2026, 11, 18),
    )
    assert transfer.destination_school == p.other_school  # a school of the trust
    assert Notification.objects.filter(
        recipient=p.esafety_officer, link=transfer.get_absolute_url()
    )
    # The same leaver reported again (the MIS sync the next night): still one task.
    transfers.transfers_for_leavers(
        school=p.school, memberships={pupil_role(p).pk: "Elmridge"}, ended_on=D(2026, 11, 12)
    )
    assert FileTransfer.objects.count() == 1


def test_no_task_without_a_destination_a_file_or_for_staff(
    personas, django_capture_on_commit_callbacks
):
    p = personas
    quiet = person(p.school, Role.PUPIL, name="Quinn Quiet")
    involving(p, p.pupil)
    with django_capture_on_commit_callbacks(execute=True):
        end_membership(membership=pupil_role(p, quiet), ended_on=D(2026, 11, 12), destination="X")
        end_membership(membership=pupil_role(p), ended_on=D(2026, 11, 12))
        staff = Membership.objects.get(user=p.teacher, school=p.school)
        end_membership(membership=staff, ended_on=D(2026, 11, 12), destination="Elsewhere")
    assert not FileTransfer.objects.exists()


# --- the file: records, names, sending ------------------------------------------------------


@pytest.fixture
def transfer(personas):
    p = personas
    other = person(p.school, Role.PUPIL, name="Milo Marsh")
    involving(p, p.pupil, description="Milo Marsh sent Poppy a cruel message in a group chat.")
    made, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=D(2026, 11, 11), destination="Elmridge Primary"
    )
    made.other = other
    return made


def choose_first(transfer, officer):
    found = transfer_files.found_records(transfer, officer)
    refs = transfer_files.first_choice(transfer, found)
    return transfer_files.choose_records(transfer=transfer, by=officer, refs=refs, found=found)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_target_incident_and_chronology_are_chosen_and_other_names_flagged(personas, transfer):
    items = choose_first(transfer, personas.esafety_officer)
    assert {i.kind for i in items} == {"Incident report", "Chronology"}
    flagged = [r.name for i in items for r in i.redactions.all()]
    assert flagged == ["Milo Marsh"]  # Poppy's own name is never flagged
    assert transfer_files.undecided_flags(transfer) == 1


def test_sending_waits_for_every_decision_then_the_new_school_confirms_once(
    personas, transfer, client, django_capture_on_commit_callbacks
):
    p = personas
    choose_first(transfer, p.esafety_officer)
    with pytest.raises(Exception, match="Decide on every name"):
        transfers.send(
            transfer=transfer,
            by=p.esafety_officer,
            pdf_for=transfer_files.render_file,
            how=SentHow.IN_PRODUCT,
        )
    flag = transfer.items.get(kind="Incident report").redactions.get()
    transfer_files.decide(
        transfer=transfer,
        by=p.esafety_officer,
        redaction_id=flag.pk,
        redact=True,
        replace_with="Child A",
    )
    sign_in(client, p.esafety_officer)
    response = client.post(
        reverse("transfer-send", args=[p.school.slug, transfer.pk]), {"how": "in_product"}
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT and transfer.bundle_sha256
    sent_file = transfer.bundle.open("rb").read()
    if os.environ.get("PDF_DIR"):  # to look at it: PDF_DIR=/some/folder
        (Path(os.environ["PDF_DIR"]) / "child-protection-file.pdf").write_bytes(sent_file)
    text = pdf_text(sent_file)
    assert "[Child A] sent" in text and "Milo Marsh" not in text
    assert "Contents" in text and "Chronology" in text
    assert "Redactions" in text

    # The new school's lead finds it, downloads the same file, confirms with one click.
    receiver = person(p.other_school, Role.ESAFETY_OFFICER, name="Rhea Receiver")
    client.logout()
    sign_in(client, receiver)
    listing = client.get(reverse("transfer-list", args=[p.other_school.slug]))
    assert "Poppy Pupil" in listing.content.decode()
    download = client.get(reverse("transfer-file", args=[p.other_school.slug, transfer.pk]))
    assert b"".join(download.streaming_content) == transfer.bundle.open("rb").read()
    confirm = reverse("transfer-confirm", args=[p.other_school.slug, transfer.pk])
    assert client.post(confirm).status_code == 302
    again = client.post(confirm, follow=True)
    assert "Receipt was confirmed on" in again.content.decode()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_by) == (TransferStatus.RECEIVED, receiver)
    assert transfer.history.filter(history_change_reason="Receipt confirmed").count() == 1
    assert Notification.objects.filter(recipient=p.esafety_officer, title__contains="confirmed")


def test_the_new_school_sees_nothing_before_it_is_sent(personas, transfer, client):
    receiver = person(personas.other_school, Role.ESAFETY_OFFICER, name="Rhea Receiver")
    sign_in(client, receiver)
    url = reverse("transfer-detail", args=[personas.other_school.slug, transfer.pk])
    assert client.get(url).status_code == 404


def test_keeping_a_name_needs_a_reason_and_is_recorded(personas, transfer):
    p = personas
    choose_first(transfer, p.esafety_officer)
    flag = transfer.items.get(kind="Incident report").redactions.get()
    with pytest.raises(Exception, match="Say why"):
        transfer_files.decide(
            transfer=transfer, by=p.esafety_officer, redaction_id=flag.pk, redact=False
        )
    transfer_files.decide(
        transfer=transfer,
        by=p.esafety_officer,
        redaction_id=flag.pk,
        redact=False,
        keep_reason="Milo is her brother and is moving school with her.",
    )
    flag.refresh_from_db()
    assert (flag.redact, flag.decided_by) == (False, p.esafety_officer)
    text = pdf_text(transfer_files.render_file(transfer, p.esafety_officer))
    assert "Milo Marsh sent" in text


def test_outside_the_trust_the_officer_records_sending_and_the_receipt(personas, client):
    p = personas
    involving(p, p.pupil)
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=D(2026, 11, 11), destination="Far Away Academy"
    )
    assert not transfer.in_trust
    choose_first(transfer, p.esafety_officer)
    sign_in(client, p.esafety_officer)
    base = reverse("transfer-detail", args=[p.school.slug, transfer.pk])
    refused = client.post(base + "send/", {"how": "in_product"})
    assert refused.status_code == 400  # not one of the trust's schools
    assert (
        client.post(base + "send/", {"how": "secure_email", "note": "To the DSL"}).status_code
        == 302
    )
    transfer.refresh_from_db()
    sent_on = transfer.sent_at.date()
    early = client.post(
        base + "receipt/",
        {"received_on": (sent_on - datetime.timedelta(days=1)).isoformat(), "note": "Reply"},
    )
    assert early.status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    slip = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n%receipt\n", "application/pdf")
    done = client.post(
        base + "receipt/",
        {"received_on": sent_on.isoformat(), "note": "Their DSL, by reply email", "receipt": slip},
    )
    assert done.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED and transfer.receipt


# --- the headteacher rule ------------------------------------------------------------------


def test_a_pupil_in_a_concern_about_the_head_the_head_sees_nothing_of_it(personas, client):
    p = personas
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry], subject=Subject.HEADTEACHER)
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=D(2026, 11, 11), destination="Far Away"
    )
    outgoing, _ = transfers.transfers_for(p.headteacher, p.school)
    assert not outgoing.exists()
    sign_in(client, p.headteacher)
    assert (
        "Poppy" not in client.get(reverse("transfer-list", args=[p.school.slug])).content.decode()
    )
    assert client.get(transfer.get_absolute_url()).status_code == 404
    assert transfers.escalation_people(transfer) == [p.chair]
    outgoing, _ = transfers.transfers_for(p.esafety_officer, p.school)
    assert list(outgoing) == [transfer]


def test_an_ordinary_transfer_late_goes_to_the_head(personas):
    involving(personas, personas.pupil)
    transfer, _ = transfers.open_transfer(
        school=personas.school, pupil=personas.pupil, last_day=D(2026, 11, 11), destination="X"
    )
    assert transfers.escalation_people(transfer) == [personas.headteacher]


def test_nothing_to_send_closes_it_with_a_reason(personas):
    involving(personas, personas.pupil)
    transfer, _ = transfers.open_transfer(
        school=personas.school, pupil=personas.pupil, last_day=D(2026, 11, 11), destination="X"
    )
    with pytest.raises(Exception, match="Say why"):
        transfers.mark_not_needed(transfer=transfer, by=personas.esafety_officer, reason=" ")
    transfers.mark_not_needed(
        transfer=transfer, by=personas.esafety_officer, reason="A minor matter, closed."
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.NOT_NEEDED


def test_ending_a_pupils_role_on_the_page_asks_where_they_go(
    personas, client, django_capture_on_commit_callbacks
):
    p = personas
    involving(p, p.pupil)
    sign_in(client, p.esafety_officer)
    url = reverse("membership-end", args=[p.school.slug, pupil_role(p).pk])
    form = client.get(url).content.decode()
    assert "Moving to a school of our trust" in form and "Elmridge Primary" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"ended_on": "2026-11-12", "destination_school": p.other_school.pk}
        )
    assert response.status_code == 302
    transfer = FileTransfer.objects.get()
    assert (transfer.destination_school, transfer.last_day) == (p.other_school, D(2026, 11, 11))
    staff_form = client.get(
        reverse(
            "membership-end",
            args=[p.school.slug, Membership.objects.get(user=p.teacher, school=p.school).pk],
        )
    )
    assert "Moving to" not in staff_form.content.decode()


def test_a_head_acting_as_officer_is_never_told_of_a_file_hidden_from_them(personas):
    p = personas
    Membership.objects.create(
        user=p.headteacher, school=p.school, role=Role.ESAFETY_OFFICER, started_on=D(2020, 1, 1)
    )
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.esafety_officer, people=[entry], subject=Subject.HEADTEACHER)
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=D(2026, 11, 11), destination="Far Away"
    )
    assert transfers.officers_to_tell(transfer) == [p.esafety_officer]
    assert not Notification.objects.filter(recipient=p.headteacher, title__contains="file")
    assert not FileTransfer.objects.visible_to(p.headteacher).exists()
    assert list(FileTransfer.objects.visible_to(p.esafety_officer)) == [transfer]


def test_a_file_received_in_the_trust_is_not_the_senders_to_destroy(personas):
    """One row and one stored file serve both schools: the sender's schedule never lists
    it (the receiving school keeps it as its own child protection record)."""
    from esafety.retention import services as retention
    from esafety.retention.registry import record_ref

    p = personas
    p.pupil.date_of_birth = D(1990, 1, 1)
    p.pupil.save()
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=D(2006, 7, 20), destination="Elmridge Primary"
    )
    FileTransfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.RECEIVED)
    due = retention.review(p.school, p.esafety_officer, D(2026, 1, 1))
    assert record_ref(transfer) not in {d.candidate.ref for g in due for d in g.due}
