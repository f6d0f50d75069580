"""Governance settings and the termly report: each change once, with its history."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from esafety.models import TrusteeMembership
from esafety.notifications import notify
from esafety.services import attributed

from .models import GovernanceSettings, ReportRead, ReportStatus, TermlyReport
from .terms import Term


def settings_for(trust) -> GovernanceSettings:
    """The trust's settings (the defaults until the chair changes one; not saved)."""
    found = GovernanceSettings.objects.filter(trust=trust).first()
    return found or GovernanceSettings(trust=trust)


@transaction.atomic
def change_settings(*, trust, by, small_counts_under: int) -> GovernanceSettings:
    """The chair chooses which counts are small for the trust (0: off); kept with history.
    Saving the same choice again changes nothing."""
    current = GovernanceSettings.objects.select_for_update().filter(trust=trust).first()
    current = current or GovernanceSettings(trust=trust)
    if current.pk and current.small_counts_under == small_counts_under:
        return current
    current.small_counts_under = small_counts_under
    current.changed_by, current.changed_at = by, timezone.now()
    attributed(current, by, f"Small numbers: {current.small_label}"[:100]).save()
    return current


def previous_report(report) -> TermlyReport | None:
    term = Term(*_split(report.term)).previous
    return TermlyReport.objects.filter(
        trust_id=report.trust_id, school_id=report.school_id, term=term.key
    ).first()


def _split(key):
    year, name = key.split("-", 1)
    return int(year), name


def start_report(*, trust, school, term: Term, by) -> TermlyReport:
    """This term's report for the school (or the trust), started once: a second start
    (or a double click) opens the one already there. Last term's narrative is offered."""
    existing = TermlyReport.objects.filter(trust=trust, school=school, term=term.key).first()
    if existing:
        return existing
    last = TermlyReport.objects.filter(trust=trust, school=school, term=term.previous.key).first()
    report = TermlyReport(
        trust=trust,
        school=school,
        term=term.key,
        created_by=by,
        narrative=last.narrative if last else "",
    )
    try:
        with transaction.atomic():
            attributed(report, by, "Report started").save()
    except IntegrityError:
        return TermlyReport.objects.get(trust=trust, school=school, term=term.key)
    return report


@transaction.atomic
def save_narrative(*, report, by, narrative: str) -> TermlyReport:
    locked = TermlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.is_signed:
        raise ValidationError("This report is signed: its text can no longer change.")
    locked.narrative = narrative
    attributed(locked, by, "Narrative saved").save()
    return locked


def pdf_hash(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


@transaction.atomic
def sign_report(*, report, by, render, narrative: str | None = None) -> TermlyReport:
    """Sign once: the text shown in the form (`narrative`, when given) is saved first, so
    pressing "Sign" before "Save the draft" signs what the writer sees; then render the PDF
    now (`render(report) -> (bytes, snapshot)`), keep it with its SHA-256 and the headline
    figures, and tell the trust's trustees. A second click finds it signed and changes
    nothing."""
    locked = TermlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.is_signed:
        return locked
    if narrative is not None:
        locked.narrative = narrative
    if not locked.narrative.strip():
        raise ValidationError("Write a few lines for the governors before you sign.")
    locked.signed_by, locked.signed_at = by, timezone.now()
    locked.status = ReportStatus.SIGNED
    pdf, snapshot = render(locked)
    locked.pdf, locked.pdf_sha256, locked.snapshot = pdf, pdf_hash(pdf), snapshot
    attributed(locked, by, "Signed and sent to trustees").save()
    link = reverse("governance-report", args=[locked.pk])
    for trustee in TrusteeMembership.objects.active().filter(trust_id=locked.trust_id):
        notify(
            trustee.user,
            title=f"Online-safety report to read: {locked.school or locked.trust}, "
            f"{locked.term_label}",
            link=link,
        )
    return locked


def mark_read(*, report, by) -> ReportRead:
    """Once per trustee: the database's unique key makes a second click a no-op."""
    try:
        with transaction.atomic():
            return ReportRead.objects.create(report=report, reader=by)
    except IntegrityError:
        return ReportRead.objects.get(report=report, reader=by)
