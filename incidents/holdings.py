"""What the incident log holds about a person, for a subject access request: the
incidents they are involved in (with their part), those they reported, and a pupil's
chronology, and their file sent to another school. Only incidents the searcher may see
(`Incident.objects.visible_to`): an incident about the headteacher is never found by the
headteacher. Three queries."""

from django.urls import reverse

from esafety.subject_access.holdings import Held, register_holding

from .models import Incident, IncidentPerson, PersonKind


def _details(incident, part: str = "") -> tuple:
    rows = [
        ("Reference", incident.reference),
        ("When it happened", _when(incident)),
        ("Where", incident.get_location_display()),
    ]
    if part:
        rows.append(("Their part", part))
    rows += [("What happened", incident.description), ("Action taken", incident.action_taken)]
    if incident.review_result:
        rows.append(("Result of review", incident.review_result))
    return tuple((label, value) for label, value in rows if value)


def _when(incident) -> str:
    when = incident.occurred_at or incident.reported_at
    return f"{when:%-d %B %Y}" if when else ""


def _day(incident):
    when = incident.occurred_at or incident.reported_at
    return when.date() if when else None


def held_about(person, *, searcher, school) -> list[Held]:
    visible = Incident.objects.visible_to(searcher).submitted().filter(school=school)
    parts = list(
        IncidentPerson.objects.filter(person=person, incident__in=visible)
        .select_related("incident__school")
        .order_by("incident__occurred_at", "pk")
    )
    involved = {part.incident_id for part in parts}
    reported = visible.filter(reported_by=person).exclude(pk__in=involved).select_related("school")
    found = [
        Held(
            kind="Incident report",
            title=f"{part.incident.reference} ({part.get_part_display().lower()})",
            date=_day(part.incident),
            url=part.incident.get_absolute_url(),
            ref=f"incident:{part.incident_id}",
            details=_details(part.incident, part.get_part_display()),
        )
        for part in parts
    ]
    found += [
        Held(
            kind="Incident report",
            title=f"{incident.reference} (reported by them)",
            date=_day(incident),
            url=incident.get_absolute_url(),
            ref=f"incident:{incident.pk}",
            details=_details(incident, "Reported it"),
        )
        for incident in reported
    ]
    as_pupil = [part for part in parts if part.kind == PersonKind.PUPIL]
    if as_pupil:
        # The chronology is those incidents in a list: it names none of them here, so an
        # incident the officer withholds is not disclosed through it.
        found.append(
            Held(
                kind="Chronology",
                title=f"{person}'s chronology",
                date=_day(as_pupil[-1].incident),
                url=reverse("pupil-chronology", args=[school.slug, person.pk]),
                ref="chronology",
                details=(
                    (
                        "What it is",
                        "The incidents involving them, with their part in each. Each "
                        "incident disclosed is in this document on its own.",
                    ),
                ),
            )
        )
    return found + _transfers(person, searcher, school)


def _transfers(person, searcher, school) -> list[Held]:
    """Their child protection file sent to another school, as far as the searcher may
    see the transfer (incidents/transfers.py `transfers_for`). One query."""
    from .transfers import transfers_for

    outgoing, _ = transfers_for(searcher, school)
    found = []
    for transfer in outgoing.filter(pupil=person).select_related("school"):
        rows = [
            ("Moving to", transfer.destination_name),
            ("Last day", f"{transfer.last_day:%-d %B %Y}"),
            ("Where it is", transfer.get_status_display()),
            ("Sent", f"{transfer.sent_at:%-d %B %Y}" if transfer.sent_at else ""),
            ("How", transfer.get_sent_how_display()),
            (
                "Receipt confirmed",
                f"{transfer.received_on:%-d %B %Y}" if transfer.received_on else "",
            ),
        ]
        found.append(
            Held(
                kind="Child protection file transfer",
                title=f"File to {transfer.destination_name}",
                date=transfer.last_day,
                url=transfer.get_absolute_url(),
                ref=f"transfer:{transfer.pk}",
                details=tuple((label, value) for label, value in rows if value),
            )
        )
    return found


register_holding("incidents", held_about, label="Incidents")
