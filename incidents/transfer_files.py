"""What goes in a child's file to the next school, the other children's names flagged in
it, and the PDF.

The records come from the core's "everything about this person" search
(esafety/subject_access/holdings.py), run as the officer: only what they may see. Chosen
at first: the incidents where the pupil is the target or the alleged perpetrator and
their chronology, the searches and confiscations, the signed agreements; the officer
adds or removes any.

Names: the full names of the other pupils on the school's roll (now or before), and of
the other people named in the chosen incidents, found in the records' text. The officer
decides on each, to replace it in the file (with a label such as "Child A") or to keep
it with a reason; the product never redacts silently and the file is not sent while a
name has no decision. It cannot find a first name on its own or a nickname: the page
says to read every page before sending.
"""

import re
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esafety.models import Membership, Role
from esafety.once import already_done
from esafety.pdf import render_pdf
from esafety.services import attributed
from esafety.subject_access.holdings import everything_about, records_by_ref

from .models import IncidentPerson, Part
from .models_transfers import Redaction, TransferItem, TransferStatus

FIRST_CHOSEN_PARTS = (Part.TARGET, Part.ALLEGED)
# Kinds from other apps chosen at first (their holdings' names and kinds).
FIRST_CHOSEN_SOURCES = {"devices": ("search", "confiscat"), "agreements": ("",)}
MIN_NAME_LENGTH = 5  # "Al Li" at least: shorter strings match inside ordinary words


def found_records(transfer, searcher):
    """The search's groups, run as `searcher` (nothing they may not see)."""
    return everything_about(transfer.pupil, searcher=searcher, school=transfer.school)


def first_choice(transfer, found) -> set[str]:
    """The refs ticked before the officer has chosen."""
    parts = IncidentPerson.objects.filter(
        person=transfer.pupil, incident__school=transfer.school, part__in=FIRST_CHOSEN_PARTS
    ).values_list("incident_id", flat=True)
    chosen = {f"incidents:incident:{pk}" for pk in parts} | {"incidents:chronology"}
    for group in found:
        for record in group.records:
            hints = FIRST_CHOSEN_SOURCES.get(record.source)
            if hints and any(h in record.kind.lower() for h in hints):
                chosen.add(record.ref)
    return {ref for ref in chosen if ref in records_by_ref(found)}


def _other_names(transfer, refs) -> list[str]:
    """Other children's full names to look for, longest first (so "Ann Lee-Cole" is found
    before "Ann Lee")."""
    pupils = (
        Membership.objects.filter(school=transfer.school, role=Role.PUPIL)
        .exclude(user=transfer.pupil)
        .values_list("user__full_name", flat=True)
    )
    incident_ids = [int(r.rsplit(":", 1)[1]) for r in refs if r.startswith("incidents:incident:")]
    named = IncidentPerson.objects.filter(incident_id__in=incident_ids).exclude(
        person=transfer.pupil
    )
    others = {n for n in pupils if n} | {
        p.display_name for p in named.select_related("person") if p.kind == "pupil"
    }
    own = transfer.pupil.full_name.casefold()
    names = {n.strip() for n in others if len(n.strip()) >= MIN_NAME_LENGTH}
    return sorted((n for n in names if n.casefold() != own), key=len, reverse=True)


def _pattern(names):
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)


def _texts(record) -> str:
    return "\n".join([record.title, *(value for _, value in record.details)])


def names_in(record, pattern) -> set[str]:
    """The flagged names in one record, as written in the list of names."""
    if pattern is None:
        return set()
    return {m.group(1) for m in pattern.finditer(_texts(record))}


@transaction.atomic
def choose_records(*, transfer, by, refs, found) -> list[TransferItem]:
    """The file's records are exactly `refs` (of those `by` may see); the names in each are
    flagged again, keeping the decisions already made on the same name and record."""
    from .transfers import _locked, _must_be_to_send

    transfer = _locked(transfer)
    _must_be_to_send(transfer)
    visible = records_by_ref(found)
    refs = [ref for ref in dict.fromkeys(refs) if ref in visible]
    if not refs:
        raise ValidationError("Choose at least one record, or record that there is nothing.")
    for item in transfer.items.exclude(ref__in=refs):
        attributed(item, by, "Taken out of the file").delete()
    kept = {item.ref: item for item in transfer.items.all()}
    pattern = _pattern(_other_names(transfer, refs))
    items = []
    for ref in refs:
        record = visible[ref]
        item = kept.get(ref) or attributed(
            TransferItem(
                transfer=transfer,
                ref=ref,
                kind=record.kind[:80],
                title=record.title[:300],
                chosen_by=by,
            ),
            by,
        )
        if item.pk is None:
            item.save()
        _flag(item, names_in(record, pattern))
        items.append(item)
    return items


def _flag(item, names: set[str]) -> None:
    existing = {r.name.casefold(): r for r in item.redactions.all()}
    for name in names:
        if name.casefold() not in existing:
            Redaction.objects.create(item=item, name=name[:150])
    for folded, redaction in existing.items():
        if folded not in {n.casefold() for n in names}:
            redaction.delete()


def undecided_flags(transfer) -> int:
    return Redaction.objects.filter(item__transfer=transfer, redact__isnull=True).count()


@transaction.atomic
def decide(*, transfer, by, redaction_id, redact: bool, replace_with="", keep_reason=""):
    """The officer's decision on one flagged name, recorded with who and when."""
    from .transfers import _locked

    transfer = _locked(transfer)
    if transfer.status != TransferStatus.TO_SEND:
        raise already_done("The file has been sent; its redactions can't change now.")
    redaction = Redaction.objects.filter(item__transfer=transfer, pk=redaction_id).first()
    if redaction is None:
        raise ValidationError("That name is no longer flagged (the records chosen changed).")
    if redact and not replace_with.strip():
        raise ValidationError({"replace_with": "Say what to write instead, e.g. Child A."})
    if not redact and not keep_reason.strip():
        raise ValidationError({"keep_reason": "Say why the name stays in the file."})
    redaction.redact = redact
    redaction.replace_with = replace_with.strip()[:40] if redact else ""
    redaction.keep_reason = "" if redact else keep_reason.strip()[:300]
    redaction.decided_by = by
    redaction.decided_at = timezone.now()
    attributed(redaction, by).save()
    return redaction


def _redacted(record, redactions):
    """The record with the names the officer chose to redact replaced."""
    chosen = [r for r in redactions if r.redact]
    if not chosen:
        return record
    pattern = _pattern(sorted((r.name for r in chosen), key=len, reverse=True))
    labels = {r.name.casefold(): r.replace_with for r in chosen}

    def swap(text):
        return pattern.sub(lambda m: f"[{labels[m.group(1).casefold()]}]", text)

    return replace(
        record,
        title=swap(record.title),
        details=tuple((label, swap(value)) for label, value in record.details),
    )


def file_records(transfer, viewer, found=None):
    """The chosen records as `viewer` may see them, redactions applied. A record chosen
    that `viewer` may not see refuses the whole file: it is never sent or shown in part."""
    from django.core.exceptions import PermissionDenied

    found = found if found is not None else found_records(transfer, viewer)
    visible = records_by_ref(found)
    items = list(transfer.items.prefetch_related("redactions"))
    if any(item.ref not in visible for item in items):
        raise PermissionDenied
    return [(_redacted(visible[item.ref], item.redactions.all()), item) for item in items]


def chronology(transfer, viewer):
    """The pupil's parts in the incidents `viewer` may see, oldest first, for the file."""
    from .models import Incident

    visible = Incident.objects.visible_to(viewer).submitted().filter(school=transfer.school)
    return (
        IncidentPerson.objects.filter(person=transfer.pupil, incident__in=visible)
        .select_related("incident__school")
        .order_by("incident__occurred_at", "incident_id")
    )


def render_file(transfer, viewer) -> bytes:
    """The file as a PDF: a cover with the contents, the chronology, then each record."""
    records = file_records(transfer, viewer)
    redactions = [r for _, item in records for r in item.redactions.all()]
    context = {
        "transfer": transfer,
        "records": [record for record, _ in records],
        "chronology": chronology(transfer, viewer)
        if any(item.ref == "incidents:chronology" for _, item in records)
        else [],
        "redacted": [r for r in redactions if r.redact],
        "made_by": viewer,
        "made_at": timezone.now(),
    }
    return render_pdf(
        "incidents/transfers/file_pdf.html",
        context,
        school=transfer.school,
        title=f"Child protection file – {transfer.pupil}",
    )
