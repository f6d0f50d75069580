"""How long the incident log keeps its records, as data for the core's retention review
(found by esafety/retention/registry.py's autodiscovery). Only closed incidents are ever
listed: an open case is still being dealt with. Only incidents the reviewer may see
(`Incident.objects.visible_to`): a concern about the headteacher is never reviewed, or
destroyed, by the headteacher."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from esafety.retention.registry import (
    Candidate,
    RetentionRule,
    add_years,
    register_rule,
    retirement_age,
)

from .models import (
    ALLEGATION_SUBJECTS,
    AllegationOutcome,
    Incident,
    IncidentPerson,
    Part,
    PersonKind,
    Status,
)


def back_years(day: datetime.date, years: int) -> datetime.date:
    """The latest date of birth that has reached `years` by `day` (29 February -> 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return datetime.date(day.year - years, 2, 28)


def _day(incident) -> datetime.date:
    when = incident.occurred_at or incident.reported_at or incident.created_at
    return timezone.localtime(when).date()


def _closed(school, viewer):
    people = IncidentPerson.objects.select_related("person").order_by("pk")
    return (
        Incident.objects.visible_to(viewer)
        .filter(school=school, status=Status.CLOSED)
        .select_related("school")
        .prefetch_related(Prefetch("people", queryset=people))
    )


def _candidate(incident, keep_until) -> Candidate:
    names = ", ".join(p.display_name for p in incident.people.all())
    return Candidate(
        record=incident,
        keep_until=keep_until,
        occurred_on=_day(incident),
        reference=incident.reference,
        title=f"{incident.reference}" + (f" ({names})" if names else ""),
        people=frozenset(p.person_id for p in incident.people.all() if p.person_id),
    )


def child_protection(*, school, viewer, years, today):
    """Until the youngest pupil involved is `years` old (25: DOB + 25). With no pupil's
    date of birth known, `years` from the incident: later than any pupil's birthday, so
    never too soon."""
    too_young = IncidentPerson.objects.filter(
        incident=OuterRef("pk"),
        kind=PersonKind.PUPIL,
        person__date_of_birth__gt=back_years(today, years),
    )
    incidents = (
        _closed(school, viewer).exclude(subject__in=ALLEGATION_SUBJECTS).exclude(Exists(too_young))
    )
    found = []
    for incident in incidents:
        born = [
            p.person.date_of_birth
            for p in incident.people.all()
            if p.kind == PersonKind.PUPIL and p.person_id and p.person.date_of_birth
        ]
        pupils = [p for p in incident.people.all() if p.kind == PersonKind.PUPIL]
        undated = len(born) < len(pupils)  # a pupil of unknown age: never sooner than this
        keep_until = add_years(_day(incident), years)
        if born:
            dated = add_years(max(born), years)
            keep_until = max(keep_until, dated) if undated else dated
        found.append(_candidate(incident, keep_until))
    return found


def allegations(*, school, viewer, years, today):
    """Until the person the allegation is about reaches normal retirement age, or
    `years` (10) from the allegation, whichever is later. With no date of birth for them
    it can't be dated, and is not listed."""
    found = []
    for incident in _closed(school, viewer).filter(subject__in=ALLEGATION_SUBJECTS):
        if incident.allegation_outcome == AllegationOutcome.MALICIOUS:
            # Found malicious: removed from the person's records once the case closes.
            closed = timezone.localtime(incident.closed_at or incident.created_at).date()
            found.append(_candidate(incident, closed))
            continue
        born = [
            p.person.date_of_birth
            for p in incident.people.all()
            if p.part == Part.ALLEGED and p.person_id and p.person.date_of_birth
        ]
        if not born:
            continue
        retires = add_years(max(born), retirement_age())
        found.append(_candidate(incident, max(retires, add_years(_day(incident), years))))
    return found


register_rule(
    RetentionRule(
        key="incidents.child_protection",
        label="Incidents about pupils (child protection records)",
        kind="Incident report",
        source=(
            "IRMS Information Management Toolkit for Schools: child protection records are "
            "kept until the child's 25th birthday (date of birth + 25 years), then reviewed; "
            "KCSIE 2025 Part 2 (safeguarding records)."
        ),
        minimum_years=25,
        starts="from the youngest pupil's date of birth (or, if none is known, the incident)",
        model="incidents.Incident",
        candidates=child_protection,
        order=10,
    )
)

register_rule(
    RetentionRule(
        key="incidents.allegations",
        label="Concerns and allegations about staff",
        kind="Allegation about staff",
        source=(
            "KCSIE 2025 Part 4 and the IRMS Information Management Toolkit for Schools: "
            "until the person's normal retirement age (state pension age, 67) or 10 years "
            "from the allegation, whichever is longer. Allegations found to be malicious "
            "are not kept on the person's file at all."
        ),
        minimum_years=10,
        starts="from the allegation, and at least until the person is 67",
        model="incidents.Incident",
        candidates=allegations,
        order=20,
        notes=(
            "An allegation whose outcome is recorded as malicious (in the review) is listed "
            "as soon as the incident is closed, to be removed from the person's records."
        ),
    )
)


def file_copies(*, school, viewer, years, today):
    """The sending school's copy of a child's file sent to the next school (and the record
    of one with nothing to send): a child protection record like the incidents in it,
    until the pupil is `years` old (or, with no date of birth known, `years` from their
    last day). Only transfers the reviewer may see (`transfers_for`): never, for a
    headteacher, one of a pupil in a concern about them. Open transfers are not listed."""
    from .models_transfers import OPEN_STATUSES, TransferStatus
    from .transfers import transfers_for

    outgoing, _ = transfers_for(viewer, school)
    # A file sent inside the trust is also the receiving school's only copy (one row, one
    # stored file): it is not the sender's to destroy.
    rows = outgoing.exclude(status__in=OPEN_STATUSES).exclude(
        destination_school__isnull=False, status=TransferStatus.RECEIVED
    )
    rows = rows.filter(
        Q(pupil__date_of_birth__lte=back_years(today, years))
        | Q(pupil__date_of_birth__isnull=True, last_day__lte=back_years(today, years))
    )
    found = []
    for transfer in rows.select_related("pupil"):
        born = transfer.pupil.date_of_birth
        found.append(
            Candidate(
                record=transfer,
                keep_until=add_years(born or transfer.last_day, years),
                occurred_on=transfer.last_day,
                reference=f"TRANSFER-{transfer.pk}",
                title=f"{transfer.pupil}'s file to {transfer.destination_name}",
                people=frozenset({transfer.pupil_id}),
            )
        )
    return found


register_rule(
    RetentionRule(
        key="incidents.file_copies",
        label="Child protection files sent to the next school",
        kind="Child protection file sent",
        source=(
            "KCSIE 2025 Part 2 (the file is passed on; the sending school keeps what its "
            "schedule says) and the IRMS Information Management Toolkit for Schools: child "
            "protection records until the child's 25th birthday."
        ),
        minimum_years=25,
        starts="from the pupil's date of birth (or, if none is known, their last day)",
        model="incidents.FileTransfer",
        candidates=file_copies,
        order=15,
    )
)
