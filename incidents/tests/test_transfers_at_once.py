"""A child's file's do-once steps clicked several times at the same moment (through a
real server, on SQLite or PostgreSQL): one file sent, one receipt, one change each in the
history, every click sent back to the transfer."""

import datetime

from django.urls import reverse

from esafety.models import Role
from esafety.testing import person
from esafety.testing_http import session_of
from incidents import transfer_files, transfers
from incidents.models import FileTransfer, Part, PersonKind
from incidents.models_transfers import TransferStatus
from incidents.tests.factories import report


def _chosen(p, destination):
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry])
    transfer, _ = transfers.open_transfer(
        school=p.school,
        pupil=p.pupil,
        last_day=datetime.date(2026, 11, 11),
        destination=destination,
    )
    found = transfer_files.found_records(transfer, p.esafety_officer)
    refs = transfer_files.first_choice(transfer, found)
    transfer_files.choose_records(transfer=transfer, by=p.esafety_officer, refs=refs, found=found)
    return transfer


def _at_once(http_server, path, data, user, times=4):
    session = session_of(user)
    server = http_server()
    replies = server.at_once([(path, data, session)] * times)
    assert [reply.status for reply in replies] == [302] * times, [r.body[-300:] for r in replies]
    server.sync()
    return replies


def test_sent_at_once_is_sent_once(personas, http_server):
    p = personas
    transfer = _chosen(p, "Far Away Academy")
    path = reverse("transfer-send", args=[p.school.slug, transfer.pk])
    _at_once(http_server, path, {"how": "secure_email"}, p.esafety_officer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT
    assert FileTransfer.history.filter(id=transfer.pk, history_change_reason="Sent").count() == 1


def test_receipt_confirmed_at_once_is_confirmed_once(personas, http_server):
    p = personas
    transfer = _chosen(p, "Elmridge Primary")
    transfers.send(
        transfer=transfer,
        by=p.esafety_officer,
        pdf_for=lambda t, v: b"%PDF-1.4 test",
        how="in_product",
    )
    receiver = person(p.other_school, Role.ESAFETY_OFFICER, name="Rhea Receiver")
    path = reverse("transfer-confirm", args=[p.other_school.slug, transfer.pk])
    replies = _at_once(http_server, path, {}, receiver)
    assert {r.location for r in replies} == {
        reverse("transfer-detail", args=[p.other_school.slug, transfer.pk])
    }
    confirmed = FileTransfer.history.filter(
        id=transfer.pk, history_change_reason="Receipt confirmed"
    )
    assert confirmed.count() == 1 and confirmed.get().history_user_id == receiver.pk
