"""Pupils' own devices: confiscation, release to a parent, and searches (DfE 2022)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from esafety.models import Membership, Role
from esafety.once import already_done
from esafety.services import attributed
from esafety.validators import check_not_future
from incidents import services as incident_services
from incidents.models import Incident, IncidentTag, Location, Part, PersonKind, Subject

from .models import Confiscation, Search

# UKCIS "Sharing nudes and semi-nudes" (2024), shown on the search form and acted on.
UKCIS_RULES = (
    "Do not view, copy, print, share, store or save the imagery, or ask anyone to.",
    "Do not delete it and do not ask the pupil to delete it.",
    "Confiscate the device, switch it off if you can, and keep it secure.",
    "Tell the DSL (the e-safety officer) at once and hand the device to them.",
    "Record what you were told, in words. Never attach an image or a file.",
)
NO_FILES = "No file can be attached to a search record: describe what was found in words."


def _check_pupil(school, pupil):
    if not Membership.objects.filter(school=school, user=pupil, role=Role.PUPIL).exists():
        raise ValidationError({"pupil": "Choose a pupil of this school."})


def find_incident(school, by, number: str, field="incident_number"):
    """The incident that the person recording can see, by its reference as shown
    (OAK-2026-0001, any case) or its bare number (2026-0001); None when left blank. Links
    a confiscation or a search to an incident (shown on both). A reference with another
    school's letters finds nothing here."""
    number = (number or "").strip()
    if not number:
        return None
    letters = f"{school.prefix}-"
    bare = number[len(letters) :] if number.upper().startswith(letters.upper()) else number
    found = (
        Incident.objects.visible_to(by)
        .filter(school=school)
        .filter(Q(number__iexact=bare) | Q(number__iexact=number))
        .first()
    )
    if found is None:
        raise ValidationError({field: f"There is no incident {number} here that you can see."})
    return found


@transaction.atomic
def confiscate(
    *,
    school,
    pupil,
    by,
    description: str,
    reason: str,
    held_where: str,
    confiscated_at=None,
    incident_number: str = "",
) -> Confiscation:
    _check_pupil(school, pupil)
    check_not_future(confiscated_at, "confiscated_at")
    incident = find_incident(school, by, incident_number)
    confiscation = Confiscation(
        incident=incident,
        school=school,
        pupil=pupil,
        description=description,
        reason=reason,
        held_where=held_where or "The office safe",
        confiscated_by=by,
        confiscated_at=confiscated_at or timezone.now(),
    )
    attributed(confiscation, by).save()
    return confiscation


def _locked(confiscation):
    return Confiscation.objects.select_for_update().get(pk=confiscation.pk)


@transaction.atomic
def record_parents_told(*, confiscation: Confiscation, by, when) -> Confiscation:
    confiscation = _locked(confiscation)
    check_not_future(when, "when")
    if when < confiscation.confiscated_at:
        raise ValidationError({"when": "This is before the device was confiscated."})
    confiscation.parents_told_at = when
    confiscation.parents_told_by = by
    attributed(confiscation, by).save()
    return confiscation


@transaction.atomic
def release(*, confiscation: Confiscation, by, released_to: str, when=None) -> Confiscation:
    """Give the device back (to a parent, usually). Once only."""
    confiscation = _locked(confiscation)
    if confiscation.released_at:
        raise already_done("This device has already been released.")
    if not released_to.strip():
        raise ValidationError({"released_to": "Say who the device was given to."})
    when = when or timezone.now()
    check_not_future(when, "when")
    confiscation.released_at = when
    confiscation.released_to = released_to.strip()
    confiscation.released_by = by
    attributed(confiscation, by).save()
    return confiscation


@transaction.atomic
def record_search(
    *, school, pupil, by, files=(), incident_number: str = "", confiscation=None, **fields
) -> Search:
    """A search record. Suspected nude or semi-nude imagery opens an incident for the DSL,
    tagged "sharing nudes" (which refuses images), linked both ways; otherwise it may cite
    an incident already logged, by its reference."""
    if files:
        raise ValidationError(NO_FILES)
    _check_pupil(school, pupil)
    related = find_incident(school, by, incident_number)
    if confiscation is not None and (
        confiscation.school_id != school.pk or confiscation.pupil_id != pupil.pk
    ):
        raise ValidationError({"pupil": "This is not the pupil whose device was confiscated."})
    check_not_future(fields.get("searched_at"), "searched_at")
    if fields.get("device_examined") and not fields.get("examination_reason", "").strip():
        raise ValidationError({"examination_reason": "Say why the device was examined."})
    search = Search(school=school, pupil=pupil, searched_by=by, confiscation=confiscation, **fields)
    search.incident = None if search.suspected_nude_imagery else related
    if search.witness_id == by.pk:
        raise ValidationError({"witness": "The witness must be someone other than the searcher."})
    if search.suspected_nude_imagery:
        search.dsl_told_at = search.dsl_told_at or timezone.now()
    attributed(search, by).save()
    if search.suspected_nude_imagery:
        search.incident = _open_incident(search, by, related)
        search.save(update_fields=["incident"])
    return search


def _open_incident(search: Search, by, related=None) -> Incident:
    incident = Incident(
        school=search.school,
        reported_by=by,
        occurred_at=search.searched_at,
        location=Location.ON_SITE,
        subject=Subject.PUPIL,
        description=(
            "A search found suspected nude or semi-nude imagery on a device. The imagery was "
            "not viewed, copied or kept. Details are on the search record."
        ),
        action_taken="Device secured and handed to the DSL.",
    )
    tags = IncidentTag.objects.filter(school=None, slug="sharing-nudes")
    people = [{"person": search.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.OTHER}]
    incident = incident_services.submit_incident(incident=incident, by=by, people=people, tags=tags)
    incident_services.add_timeline_entry(
        incident=incident,
        by=by,
        text=f"Opened from a search record in Devices: {search.get_absolute_url()}"
        + (f" (related to incident {related.reference})" if related else ""),
    )
    return incident
