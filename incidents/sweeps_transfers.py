"""A child's file to the next school, on the core sweep and the core's leavers signal.

The sweep: the school's e-safety officers are reminded two days before the deadline and
on the day; a file still not sent after it goes to the headteacher (or the chair, when
the pupil is in a concern about the headteacher: incidents/transfers.py
`escalation_people`); a file sent outside the trust with no receipt recorded a week on
reminds the officer to chase it. Each once per transfer and deadline.

The signal: `people_left` (a sync from the MIS, or a role ended by hand) opens a transfer
for each pupil who left with a destination and has something on file.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from esafety.notifications import notify
from esafety.roles import roles_in
from esafety.signals import people_left
from esafety.sweeps import sweep_job, sweep_key

from .models_transfers import FileTransfer, TransferStatus
from .transfers import (
    RECEIVING_ROLES,
    escalation_people,
    officers_to_tell,
    transfers_for_leavers,
)

REMIND_DAYS_BEFORE = 2
CHASE_RECEIPT_AFTER = timedelta(days=7)


@sweep_job("incidents.file_transfers")
def file_transfer_deadlines(sweep):
    today = timezone.localtime(sweep.now).date()
    due = FileTransfer.objects.filter(
        status=TransferStatus.TO_SEND, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).select_related("school__trust", "pupil")
    for transfer in due:
        key = sweep_key("transfer", transfer.pk, transfer.due_on.isoformat())
        link = transfer.get_absolute_url()
        if transfer.due_on < today:
            sweep.once(f"{key}:overdue", lambda t=transfer, link=link: _escalate(t, link))
            continue
        when = "today" if transfer.due_on == today else f"on {transfer.due_on:%A %-d %B}"
        title = f"{transfer.pupil}'s child protection file is due {when}"
        sweep.once(
            f"{key}:{'today' if transfer.due_on == today else 'soon'}",
            lambda t=transfer, title=title, link=link: _tell_officers(t, title, link),
        )
    unconfirmed = FileTransfer.objects.filter(
        status=TransferStatus.SENT, sent_at__lte=sweep.now - CHASE_RECEIPT_AFTER
    ).select_related("school", "pupil", "sent_by")
    for transfer in unconfirmed:
        title = f"No receipt yet for {transfer.pupil}'s file to {transfer.destination_name}"
        sweep.once(
            sweep_key("transfer", transfer.pk, "receipt"),
            lambda t=transfer, title=title: _tell_officers(t, title, t.get_absolute_url()),
        )


def _tell_officers(transfer, title, link) -> None:
    for officer in officers_to_tell(transfer):
        notify(officer, title=title, link=link)


def _escalate(transfer, link) -> None:
    due = f"It was due at {transfer.destination_name} on {transfer.due_on:%-d %B %Y}."
    for person in escalation_people(transfer):
        # The chair leads no school, so has no transfer page to open: told what to do.
        leads = roles_in(person, transfer.school_id) & set(RECEIVING_ROLES)
        notify(
            person,
            title=f"A child protection file is late: {transfer.pupil}",
            body=due
            if leads
            else f"{due} Ask the school's e-safety officer, or the trust's safeguarding lead, "
            "to send it.",
            link=link if leads else "",
        )


def _on_people_left(sender, *, school, memberships, ended_on, **kwargs):
    with transaction.atomic():
        transfers_for_leavers(school=school, memberships=memberships, ended_on=ended_on)


people_left.connect(_on_people_left, dispatch_uid="incidents-file-transfers")
