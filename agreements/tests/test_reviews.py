"""Policy review: an incident's flag opens one early review; the review becomes a new
version that, once approved, asks all staff to sign again; the yearly review opens once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agreements import reviews, services
from agreements.models import Document, Kind, PolicyReview, ReviewReason, SignRequest, VersionStatus
from esafety.models import Notification
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in
from incidents import services as incident_services
from incidents.models import Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
STAFF = ["headteacher", "esafety_officer", "technician", "staff"]
EARLY = "An incident asks for an early review of the e-safety policy"


@pytest.fixture
def policy(personas):
    document = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    version = services.new_version(document=document, by=personas.headteacher, text="Old policy")
    services.head_sign_off(version=version, by=personas.headteacher)
    services.approve(version=version, by=personas.trustee)
    for person in (personas.teacher, personas.technician):
        services.sign(version=version, signer=person, subject=person, typed_name=person.full_name)
    return document


def test_flagged_incidents_open_one_early_review_and_tell_the_leads(personas, policy):
    first = report(personas.school, personas.teacher)
    second = report(personas.school, personas.teacher)
    incident_services.flag_policy_review(incident=first, by=personas.esafety_officer, reason="Gap")
    incident_services.flag_policy_review(incident=first, by=personas.esafety_officer, reason="Gap")
    incident_services.flag_policy_review(incident=second, by=personas.headteacher, reason="Again")
    review = PolicyReview.objects.get()
    assert review.reason == ReviewReason.INCIDENT
    assert review.closed_at is None
    assert set(review.incidents.all()) == {first, second}
    for lead in (personas.esafety_officer, personas.headteacher):
        assert Notification.objects.filter(recipient=lead, title=EARLY).count() == 1
    # The notification says there is something to look at, never what happened.
    assert "unkind" not in Notification.objects.filter(title=EARLY).first().title


def test_a_school_without_a_policy_just_flags_the_incident(personas):
    incident = report(personas.school, personas.teacher)
    incident_services.flag_policy_review(incident=incident, by=personas.esafety_officer, reason="x")
    incident.refresh_from_db()
    assert incident.policy_review_needed
    assert not PolicyReview.objects.exists()


def test_the_review_becomes_a_new_version_and_staff_sign_again(personas, policy, client):
    incident = report(personas.school, personas.teacher)
    incident_services.flag_policy_review(
        incident=incident, by=personas.esafety_officer, reason="Gap"
    )
    review = PolicyReview.objects.get()
    sign_in(client, personas.esafety_officer)
    page = client.get(f"/agreements/reviews/{review.pk}/").content.decode()
    assert "Old policy" in page and incident.number in page
    empty = client.post(f"/agreements/reviews/{review.pk}/", {"what_changed": "", "text": "x"})
    assert "Say what changed and why" in empty.content.decode()
    client.post(
        f"/agreements/reviews/{review.pk}/",
        {"what_changed": "Added group chats after incident", "text": "New policy"},
    )
    review.refresh_from_db()
    assert review.reviewed_by == personas.esafety_officer
    assert review.version.change_summary == "Added group chats after incident"
    services.head_sign_off(version=review.version, by=personas.headteacher)
    services.approve(version=review.version, by=personas.chair)
    review.refresh_from_db()
    assert review.version.status == VersionStatus.PUBLISHED
    assert review.closed_at is not None
    assert review.version.head_signed_off_by == personas.headteacher
    assert review.version.trustees_approved_by == personas.chair
    for person in (personas.teacher, personas.technician):
        request = SignRequest.objects.get(person=person, completed_at__isnull=True)
        assert request.version == review.version
    # The next flag opens a new review: the last one is closed.
    incident_services.flag_policy_review(incident=incident, by=personas.esafety_officer, reason="x")
    assert PolicyReview.objects.filter(closed_at__isnull=True).count() == 1


def test_the_yearly_review_opens_once_on_its_due_date(personas, policy):
    policy.refresh_from_db()
    due = policy.review_due
    jobs = {"agreements.policy_review": registered_jobs()["agreements.policy_review"]}
    moment = datetime.datetime.combine(due, datetime.time(8), tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        run_sweeps(jobs=jobs)
        run_sweeps(jobs=jobs)
    review = PolicyReview.objects.get()
    assert review.reason == ReviewReason.SCHEDULED
    assert reviews.open_review(policy) == review
    title = "The E-safety policy is due for review today"
    assert Notification.objects.filter(recipient=personas.esafety_officer, title=title).count() == 1


def test_a_concern_about_the_headteacher_stays_hidden_on_the_review(personas, policy, client):
    about_head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    incident_services.flag_policy_review(
        incident=about_head, by=personas.chair, reason="Policy gap"
    )
    review = PolicyReview.objects.get()
    sign_in(client, personas.headteacher)
    page = client.get(f"/agreements/reviews/{review.pk}/").content.decode()
    assert about_head.number not in page
    client.logout()
    sign_in(client, personas.esafety_officer)
    assert about_head.number in client.get(f"/agreements/reviews/{review.pk}/").content.decode()
