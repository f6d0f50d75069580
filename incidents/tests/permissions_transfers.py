"""A child's file to the next school in the permission matrix: the sending school's
headteacher and e-safety officer; the new school's leads only for a file sent to them;
nobody else, and another school's people don't find the sending school's pages."""

import datetime

from django.core.files.base import ContentFile

from esafety.testing import Route, expect, person, school_managers_only
from incidents import transfer_files, transfers
from incidents.models import Part, PersonKind
from incidents.models_transfers import Redaction, SentHow
from incidents.tests.factories import report

LAST_DAY = datetime.date(2026, 11, 11)


def school(p):
    return {"slug": p.school.slug}


def _transfer(p, destination="Far Away Academy", chosen=True):
    """Poppy left with an incident on file naming another pupil; her records chosen."""
    from esafety.models import Role

    person(p.school, Role.PUPIL, name="Milo Marsh")
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry], description="Milo Marsh sent a cruel message.")
    transfer, _ = transfers.open_transfer(
        school=p.school, pupil=p.pupil, last_day=LAST_DAY, destination=destination
    )
    if chosen:
        found = transfer_files.found_records(transfer, p.esafety_officer)
        refs = transfer_files.first_choice(transfer, found)
        transfer_files.choose_records(
            transfer=transfer, by=p.esafety_officer, refs=refs, found=found
        )
    return transfer


def _redact_all(p, transfer):
    for flag in Redaction.objects.filter(item__transfer=transfer):
        transfer_files.decide(
            transfer=transfer,
            by=p.esafety_officer,
            redaction_id=flag.pk,
            redact=True,
            replace_with="Child A",
        )


def open_transfer(p):
    return {"slug": p.school.slug, "pk": _transfer(p).pk}


def flagged_name(p):
    transfer = _transfer(p)
    flag = Redaction.objects.filter(item__transfer=transfer).order_by("pk").first()
    return {"slug": p.school.slug, "pk": transfer.pk, "redaction_pk": flag.pk}


def with_receipt(p):
    transfer = _transfer(p)
    _redact_all(p, transfer)
    transfers.send(
        transfer=transfer,
        by=p.esafety_officer,
        pdf_for=lambda t, v: b"%PDF-1.4 test",
        how=SentHow.SECURE_EMAIL,
    )
    transfer.refresh_from_db()
    transfer.receipt.save("receipt.pdf", ContentFile(b"%PDF-1.4 receipt"))
    return {"slug": p.school.slug, "pk": transfer.pk}


def sent_to_the_trust(p):
    """Sent to Elmridge (a school of the trust): its page, as Elmridge sees it."""
    transfer = _transfer(p, destination="Elmridge Primary")
    _redact_all(p, transfer)
    transfers.send(
        transfer=transfer,
        by=p.esafety_officer,
        pdf_for=lambda t, v: b"%PDF-1.4 test",
        how=SentHow.IN_PRODUCT,
    )
    return {"slug": p.other_school.slug, "pk": transfer.pk}


def start(p):
    return {
        "pupil": p.pupil.pk,
        "last_day": LAST_DAY.isoformat(),
        "destination_name": "Far Away Academy",
    }


LEADS = school_managers_only()
LEADS_DONE = school_managers_only(302)
# Elmridge's pages: its headteacher is the only persona leading it; Oakwood's people
# can't see Elmridge at all; Elmridge's teacher and the trustees are refused.
ELMRIDGE = expect(
    404,
    anonymous=302,
    other_school_teacher=403,
    trustee=403,
    chair=403,
    other_school_headteacher=200,
)

ROUTES = [
    Route("transfer-list", LEADS, school),
    Route("transfer-start", LEADS, school),
    Route("transfer-start", LEADS_DONE, school, method="post", data=start),
    Route("transfer-detail", LEADS, open_transfer),
    Route("transfer-detail", ELMRIDGE, sent_to_the_trust),
    Route("transfer-choose", LEADS, open_transfer),
    Route(
        "transfer-choose",
        LEADS_DONE,
        open_transfer,
        method="post",
        data=lambda p: {"record": ["incidents:chronology"]},
    ),
    Route(
        "transfer-decide",
        LEADS_DONE,
        flagged_name,
        method="post",
        data=lambda p: {"redact": "no", "keep_reason": "Her brother, moving with her."},
    ),
    Route("transfer-send", LEADS, open_transfer),
    Route("transfer-not-needed", LEADS, open_transfer),
    Route(
        "transfer-not-needed",
        LEADS_DONE,
        open_transfer,
        method="post",
        data=lambda p: {"reason": "A minor matter, closed with no concern."},
    ),
    Route("transfer-receipt", LEADS, open_transfer),
    Route("transfer-file", LEADS, open_transfer),
    Route("transfer-receipt-file", LEADS, with_receipt),
    Route(
        "transfer-confirm",
        {**ELMRIDGE, "other_school_headteacher": 302},
        sent_to_the_trust,
        method="post",
    ),
]
