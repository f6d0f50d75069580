"""The leaver checklist's do-once steps clicked several times at the same moment, through
a real server on PostgreSQL (row locks; SQLite has none): one record, one change in the
history, and every click lands on the checklist."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from devices import leavers
from devices.models import LeaverChecklist, LeaverHandOver
from esafety.models import Membership, Notification
from esafety.testing_http import clicked_at_once
from risks.tests.factories import make_risk

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgresql(require_service_fn):
    if connection.vendor != "postgresql":
        require_service_fn("concurrent clicks need PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def checklist(personas, data_migrations):
    membership = Membership.objects.get(user=personas.teacher, school=personas.school)
    membership.ended_on = timezone.localdate()
    membership.save()
    return leavers.open_checklist(membership=membership)


@pytest.fixture
def data_migrations():
    from risks.models import SEED_BANDS, Matrix

    Matrix.objects.get_or_create(
        trust=None, is_current=True, defaults={"name": "3 x 3", "size": 3, "bands": SEED_BANDS}
    )


def test_completing_at_once_completes_once(postgresql, personas, checklist, http_server):
    today = timezone.localdate()
    leavers.record_accounts(
        checklist=checklist,
        by=personas.technician,
        email_closed_on=today,
        mis_closed_on=today,
        filtering_closed_on=today,
    )
    path = reverse("leaver-complete", args=[checklist.pk])
    assert clicked_at_once(http_server, path, personas.technician) == {checklist.get_absolute_url()}
    history = LeaverChecklist.history.filter(id=checklist.pk)
    assert history.filter(history_change_reason="Checklist complete").count() == 1


def test_handing_over_at_once_hands_over_once(postgresql, personas, checklist, http_server):
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.teacher])
    path = reverse("leaver-hand-over", args=[checklist.pk])
    data = {"source": "risks.owned", "item": risk.pk, "to": personas.esafety_officer.pk}
    landed = clicked_at_once(http_server, path, personas.technician, data)
    assert landed == {checklist.get_absolute_url()}
    assert LeaverHandOver.objects.filter(checklist=checklist).count() == 1
    assert list(risk.owners.all()) == [personas.esafety_officer]
    assert LeaverHandOver.history.count() == 1
    told = Notification.objects.filter(
        recipient=personas.esafety_officer, link=risk.get_absolute_url()
    )
    assert told.count() == 1


def test_the_signal_twice_makes_one_checklist(postgresql, personas, checklist):
    membership = Membership.objects.get(user=personas.teacher, school=personas.school)
    assert leavers.open_checklist(membership=membership).pk == checklist.pk
    assert LeaverChecklist.objects.count() == 1
