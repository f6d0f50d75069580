"""A child's file on the sweep: the officer is reminded two days before and on the day,
each once; a late file goes to the headteacher, or to the chair when the pupil is in a
concern about the headteacher; a file sent outside the trust with no receipt a week on
reminds the officer to chase it."""

import datetime
from datetime import timedelta

from django.utils import timezone

from esafety.models import Notification
from esafety.sweeps import run_sweeps
from incidents import transfers
from incidents.models import Part, PersonKind, Subject
from incidents.models_transfers import SentHow, TransferStatus
from incidents.sweeps_transfers import file_transfer_deadlines
from incidents.tests.factories import report

JOBS = {"incidents.file_transfers": file_transfer_deadlines}


def at(day: datetime.date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def titles(user):
    return list(
        Notification.objects.filter(recipient=user, title__contains="file")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def leaving(p, subject=Subject.PUPIL):
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry], subject=subject)
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=datetime.date(2026, 11, 11), destination="X"
    )
    return transfer


def test_reminded_before_and_on_the_day_then_the_head_is_told(personas):
    p = personas
    transfer = leaving(p)
    due = transfer.due_on  # Wed 18 Nov 2026
    Notification.objects.all().delete()
    run_sweeps(at(due - timedelta(days=3)), jobs=JOBS)
    assert titles(p.esafety_officer) == []
    run_sweeps(at(due - timedelta(days=2)), jobs=JOBS)
    run_sweeps(at(due - timedelta(days=1)), jobs=JOBS)  # once only
    assert titles(p.esafety_officer) == [
        "Poppy Pupil's child protection file is due on Wednesday 18 November"
    ]
    run_sweeps(at(due), jobs=JOBS)
    run_sweeps(at(due, 15), jobs=JOBS)
    assert titles(p.esafety_officer)[-1] == "Poppy Pupil's child protection file is due today"
    assert titles(p.headteacher) == []
    run_sweeps(at(due + timedelta(days=1)), jobs=JOBS)
    run_sweeps(at(due + timedelta(days=2)), jobs=JOBS)
    assert titles(p.headteacher) == ["A child protection file is late: Poppy Pupil"]
    assert titles(p.chair) == []


def test_late_file_of_a_pupil_in_a_concern_about_the_head_goes_to_the_chair(personas):
    p = personas
    transfer = leaving(p, subject=Subject.HEADTEACHER)
    Notification.objects.all().delete()
    run_sweeps(at(transfer.due_on + timedelta(days=1)), jobs=JOBS)
    assert titles(p.chair) == ["A child protection file is late: Poppy Pupil"]
    told = Notification.objects.get(recipient=p.chair)
    assert told.link == "" and "e-safety officer" in told.body  # no page the chair can't open
    assert Notification.objects.filter(recipient=p.headteacher).count() == 0


def test_a_file_sent_outside_with_no_receipt_is_chased_once(personas):
    p = personas
    transfer = leaving(p)
    transfer.items.create(
        ref="incidents:chronology", kind="Chronology", title="x", chosen_by=p.esafety_officer
    )
    transfers.send(
        transfer=transfer,
        by=p.esafety_officer,
        pdf_for=lambda t, v: b"%PDF-1.4 test",
        how=SentHow.SECURE_EMAIL,
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT
    Notification.objects.all().delete()
    sent = timezone.localtime(transfer.sent_at)
    run_sweeps(sent + timedelta(days=6), jobs=JOBS)
    assert titles(p.esafety_officer) == []
    run_sweeps(sent + timedelta(days=8), jobs=JOBS)
    run_sweeps(sent + timedelta(days=9), jobs=JOBS)
    assert titles(p.esafety_officer) == ["No receipt yet for Poppy Pupil's file to X"]
