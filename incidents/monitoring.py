"""Alerts from a school's monitoring product (through the API) reach the e-safety
officer's queue as incidents "from monitoring":

- the pupil is found by email or MIS reference among the school's pupils
  (esafety.services.member_by_reference); an alert about
  a pupil not found is held for the officer to match (never dropped);
- repeats (the same pupil and category within MONITORING_FOLD_MINUTES of the last alert,
  while that incident is open) fold into the incident already raised, with a count;
- a high or critical alert asks the officer to look first (as "not sure" whether a child
  is at risk now does on the log form), and the incident is routed as any other.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esafety.locks import lock_for_transaction
from esafety.models import Membership, Notification, Role
from esafety.notifications import notify
from esafety.services import holders, member_by_reference

from .models import Answer, Incident, Location, Source, Status, Subject
from .models_monitoring import MonitoringAlert, Severity
from .services import submit_incident

LOOK_FIRST = {Severity.HIGH, Severity.CRITICAL}


@dataclass
class Received:
    alert: MonitoringAlert
    folded: bool  # into an incident raised by an earlier alert


def receive_alert(*, token, school, by, **fields) -> Received:
    """Keep the alert and raise or fold its incident; `by` is the key's maker, `fields`
    the alert's (validated by the API's serializer)."""
    pupil_id = member_by_reference(school, fields["pupil_ref"], [Role.PUPIL])
    with transaction.atomic():
        if pupil_id is not None:  # two alerts at once about a pupil: one incident
            lock_for_transaction(f"monitoring:{school.pk}:{pupil_id}:{fields['category']}")
        alert = MonitoringAlert.objects.create(
            school=school,
            token=token,
            product=token.name if token else "",
            received_at=timezone.now(),
            pupil_id=pupil_id,
            **fields,
        )
        if pupil_id is None:
            _tell_the_leads(school)
            return Received(alert, folded=False)
        return _raise_or_fold(alert, by)


HELD_TITLE = "Monitoring alerts need matching to a pupil"


def _tell_the_leads(school) -> None:
    """The school's e-safety officer and headteacher are told an alert is held, once until
    they have read it (a run of alerts about one unknown pupil is one notification)."""
    from django.urls import reverse

    for lead in holders(school, Role.ESAFETY_OFFICER, Role.HEADTEACHER):
        if not Notification.objects.filter(recipient=lead, title=HELD_TITLE).unread().exists():
            notify(lead, title=HELD_TITLE, link=reverse("monitoring-held", args=[school.slug]))


def match_alert(*, alert: MonitoringAlert, pupil_id: int, by) -> Received:
    """The officer says which pupil a held alert is about: it raises (or folds into) their
    incident. Once: a second click finds it matched."""
    with transaction.atomic():
        alert = MonitoringAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.incident_id is not None:
            return Received(alert, folded=False)
        if (
            not Membership.objects.active()
            .filter(school=alert.school, role=Role.PUPIL, user_id=pupil_id)
            .exists()
        ):
            raise ValidationError({"pupil": "Choose a pupil of the school."})
        lock_for_transaction(f"monitoring:{alert.school_id}:{pupil_id}:{alert.category}")
        alert.pupil_id, alert.matched_by = pupil_id, by
        alert.save(update_fields=["pupil", "matched_by"])
        return _raise_or_fold(alert, by)


def _raise_or_fold(alert, by) -> Received:
    window = timedelta(minutes=settings.MONITORING_FOLD_MINUTES)
    earlier = (
        MonitoringAlert.objects.filter(
            school=alert.school_id,
            pupil=alert.pupil_id,
            category=alert.category,
            incident__isnull=False,
            received_at__gte=alert.received_at - window,
        )
        .exclude(pk=alert.pk)
        .exclude(incident__status=Status.CLOSED)
        .order_by("-received_at")
        .values_list("incident_id", flat=True)
        .first()
    )
    if earlier is not None:
        alert.incident_id = earlier
        alert.save(update_fields=["incident"])
        return Received(alert, folded=True)
    incident = submit_incident(
        incident=Incident(
            school_id=alert.school_id,
            source=Source.MONITORING,
            location=Location.ONLINE,
            subject=Subject.PUPIL,
            occurred_at=alert.occurred_at,
            description=description_of(alert),
            device_description=alert.device[:100],
            child_at_risk_now=Answer.NOT_SURE if alert.severity in LOOK_FIRST else "",
        ),
        by=by,
        people=[{"person_id": alert.pupil_id, "kind": "pupil", "part": "target"}],
    )
    alert.incident = incident
    alert.save(update_fields=["incident"])
    return Received(alert, folded=False)


def description_of(alert) -> str:
    parts = [
        f"Alert from {alert.product or 'monitoring'}: {alert.category} "
        f"({alert.get_severity_display().lower()} severity).",
        alert.description,
    ]
    if alert.keywords:
        parts.append(f"Keywords: {alert.keywords}")
    return "\n\n".join(parts)


def alerts_to_match(school_ids):
    return MonitoringAlert.objects.filter(school_id__in=school_ids, incident__isnull=True)
