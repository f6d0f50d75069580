"""The sweep's "who must sign" pass runs once a day for each document, and again the day
its version, audience or signatures change; a new link, role, import or trustee asks at
once. So a sweep every five minutes no longer re-reads every document's audience."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from agreements import services
from agreements.models import Document, Kind, SignRequest
from agreements.tests.factories import published
from agreements.tests.permissions_sign import ANSWERS, parent_document
from esafety.models import Membership, Role, TrusteeMembership
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import UserFactory, person

pytestmark = pytest.mark.django_db


def sync_sweep():
    return run_sweeps(jobs={"agreements.sync": registered_jobs()["agreements.sync"]})


@pytest.fixture
def synced(personas, monkeypatch):
    """Counts the documents the sweep synced."""
    from agreements import sweeps

    calls = []
    real = sweeps.sync_requests

    def counting(*, document, on):
        calls.append(document.pk)
        return real(document=document, on=on)

    monkeypatch.setattr(sweeps, "sync_requests", counting)
    return calls


def test_each_document_is_synced_once_a_day(personas, synced):
    version = parent_document(personas)
    sync_sweep()
    assert synced == [version.document_id]
    sync_sweep()
    sync_sweep()
    assert synced == [version.document_id]  # not again the same day
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        sync_sweep()
    assert synced == [version.document_id] * 2


def test_a_changed_audience_or_a_new_signature_syncs_again_the_same_day(personas, synced):
    version = parent_document(personas)
    document = version.document
    sync_sweep()
    document.audience_key_stages = ["ks2"]
    document.save()
    sync_sweep()
    assert synced == [document.pk] * 2
    services.sign(
        version=version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents=ANSWERS,
    )
    sync_sweep()
    assert synced == [document.pk] * 3


def test_a_role_that_starts_tomorrow_is_asked_by_tomorrows_sweep(personas):
    version = parent_document(personas)
    sync_sweep()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    newcomer = UserFactory(full_name="Nia Newparent")
    Membership.objects.create(
        user=newcomer, school=personas.school, role=Role.PARENT, started_on=tomorrow
    )
    from esafety.models import ParentLink

    ParentLink.objects.create(parent=newcomer, child=personas.pupil, relationship="mother")
    asked = SignRequest.objects.filter(person=newcomer, document=version.document)
    assert not asked.exists()  # not a parent at the school yet
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        sync_sweep()
    assert asked.exists()


def test_a_trustee_appointed_is_asked_at_once(personas, django_capture_on_commit_callbacks):
    document = Document.objects.create(
        school=personas.school,
        kind=Kind.TRUSTEE_AUP,
        title="Trustee acceptable use policy",
        audience_roles=["trustee"],
    )
    published(document, personas.esafety_officer, head=personas.headteacher)
    newcomer = UserFactory(full_name="Tomas Newtrustee")
    with django_capture_on_commit_callbacks(execute=True):
        TrusteeMembership.objects.create(user=newcomer, trust=personas.school.trust)
    assert SignRequest.objects.filter(person=newcomer, document=document).exists()


def test_a_staff_member_added_is_asked_without_waiting_for_the_sweep(
    personas, django_capture_on_commit_callbacks
):
    document = Document.objects.create(
        school=personas.school, kind=Kind.STAFF_AUP, title="Staff AUP", audience_roles=["staff"]
    )
    published(document, personas.esafety_officer, head=personas.headteacher)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = person(personas.school, Role.STAFF, name="Sam Newstaff")
    assert SignRequest.objects.filter(person=newcomer, document=document).exists()
