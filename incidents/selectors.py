"""Reads shared by the queue and the home card: who and what, and how urgent."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from esafety.roles import access_for, managed_school_ids

from .models import (
    ALLEGATION_SUBJECTS,
    ActionKind,
    IncidentPerson,
    PersonKind,
    Status,
    TimelineEntry,
)

URGENT_CATEGORIES = ("pupil_d", "staff_b")


def _urgent_by_columns(now) -> Q:
    """Urgent, marked and sorted first: category D (and staff B), suspected illegal
    material, concerns about staff, an overdue acknowledgement (and, below, an overdue
    action)."""
    return (
        Q(category__in=URGENT_CATEGORIES)
        | Q(suspected_illegal_material=True)
        | Q(subject__in=ALLEGATION_SUBJECTS)
        | Q(status=Status.REPORTED, acknowledge_by__lt=now)
    )


def _overdue_action(now):
    return TimelineEntry.objects.filter(
        incident=OuterRef("pk"),
        kind=ActionKind.ACTION,
        done_at__isnull=True,
        due_on__lt=timezone.localdate(now),
    )


def with_who_and_what(incidents, now=None):
    """Each incident with `urgent` (0 first) and `pupils` (the pupils involved)."""
    now = now or timezone.now()
    pupils = IncidentPerson.objects.filter(kind=PersonKind.PUPIL).select_related("person")
    # The WHENs run in order: closed incidents (most of a log) and those urgent by their
    # own columns never run the overdue-action lookup.
    urgent = Case(
        When(status=Status.CLOSED, then=Value(1)),
        When(_urgent_by_columns(now), then=Value(0)),
        When(Exists(_overdue_action(now)), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        incidents.select_related("school", "reported_by", "routed_to")
        .prefetch_related("tags", Prefetch("people", queryset=pupils, to_attr="pupils"))
        .annotate(urgent=urgent)
    )


def spans_schools(user) -> bool:
    """More than one school's incidents can appear: numbers carry the school's letters."""
    access = access_for(user)
    schools = managed_school_ids(user) | access.lead_school_ids | access.trust_school_ids
    return len(schools) > 1
