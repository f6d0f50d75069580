"""Devices' retention: a search is due six years after it; a confiscation a year after
the phone was given back, but not while a search still points to it (the batch is
refused and nothing is destroyed), unless that search goes in the same batch."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from devices.models import Confiscation, Search
from esafety.retention import services
from esafety.retention.registry import record_ref


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def due(p, today):
    groups = services.review(p.school, p.esafety_officer, today)
    return {d.candidate.ref: d for g in groups for d in g.due}


def test_searches_and_confiscations_reach_their_dates(personas):
    p = personas
    taken = Confiscation.objects.create(
        school=p.school,
        pupil=p.pupil,
        description="Black phone",
        confiscated_by=p.teacher,
        reason="Used in a lesson",
        released_at=at(datetime.date(2024, 2, 29)),
    )
    search = Search.objects.create(
        school=p.school,
        pupil=p.pupil,
        searched_by=p.teacher,
        reason="Reported to have a vape",
        looked_for="A vape",
        searched_at=at(datetime.date(2020, 1, 31)),
        confiscation=taken,
    )
    assert record_ref(taken) not in due(p, datetime.date(2025, 2, 28))
    assert due(p, datetime.date(2025, 3, 1))[record_ref(taken)].candidate.reference.startswith(
        "CONF-"
    )
    assert record_ref(search) not in due(p, datetime.date(2026, 1, 30))
    assert record_ref(search) in due(p, datetime.date(2026, 1, 31))

    with pytest.raises(ValidationError) as error:
        services.approve_destruction(
            school=p.school, by=p.esafety_officer, refs=[record_ref(taken)]
        )
    assert "still linked" in str(error.value)
    assert Confiscation.objects.filter(pk=taken.pk).exists()

    # With the search that points to it, in one batch: the search goes first, then it.
    services.approve_destruction(
        school=p.school, by=p.esafety_officer, refs=[record_ref(taken), record_ref(search)]
    )
    assert not Search.objects.exists() and not Confiscation.objects.exists()


def test_a_hold_on_the_pupil_holds_their_search(personas):
    p = personas
    search = Search.objects.create(
        school=p.school,
        pupil=p.pupil,
        searched_by=p.teacher,
        reason="r",
        looked_for="l",
        searched_at=at(datetime.date(2010, 5, 1)),
    )
    services.place_hold(school=p.school, by=p.headteacher, person=p.pupil, reason="A claim")
    assert due(p, None)[record_ref(search)].hold.reason == "A claim"
