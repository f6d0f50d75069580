"""Policy review: an incident's flag opens one early review; the review becomes a new
version that, once approved, asks all staff to sign again; the yearly review opens once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import reviews, services
from agreements.models import Document, Kind, PolicyReview, ReviewReason, SignRequest, VersionStatus
from agreements.tests.factories import STAFF, published
from esafety.models import Notification
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in
from incidents import services as incident_services
from incidents.models import Subject
from incidents.tests.factories import report, shown_bare

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
EARLY = "An incident asks for an early review of the e-safety policy (Oakwood Primary)"


@pytest.fixture
def policy(personas):
    document = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    version = published(document, personas.headteacher, "Old policy", approver=personas.trustee)
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
    assert "Old policy" in page and incident.reference in page
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
    title = "The E-safety policy is due for review today (Oakwood Primary)"
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
    assert about_head.reference in client.get(f"/agreements/reviews/{review.pk}/").content.decode()


def test_the_review_names_its_incidents_by_their_reference(personas, policy, client):
    def flagged():
        incident = report(personas.school, personas.teacher)
        incident_services.flag_policy_review(
            incident=incident, by=personas.esafety_officer, reason="Gap"
        )
        return incident

    def shown(review):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/agreements/reviews/{review.pk}/")
        assert page.status_code == 200
        schools = [q for q in queries.captured_queries if 'FROM "esafety_school"' in q["sql"]]
        return page.content.decode(), len(schools)

    first = flagged()
    review = PolicyReview.objects.get()
    sign_in(client, personas.esafety_officer)
    page, one = shown(review)
    link = f'<a href="{first.get_absolute_url()}">{first.reference}</a>'
    assert link in page and not shown_bare(page, first)
    more = [flagged(), flagged()]
    page, three = shown(review)
    for incident in (first, *more):
        assert incident.reference in page and not shown_bare(page, incident)
    assert three == one  # the schools' letters come with the incidents, not a query each


def test_the_early_review_email_carries_no_detail(
    personas, policy, mailoutbox, django_capture_on_commit_callbacks
):
    incident = report(personas.school, personas.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.flag_policy_review(
            incident=incident, by=personas.esafety_officer, reason="Group chat bullying of Ann"
        )
    review = PolicyReview.objects.get()
    to_head = [m for m in mailoutbox if m.to == [personas.headteacher.email]]
    assert to_head
    for message in to_head:
        for part in (message.subject, message.body, message.alternatives[0][0]):
            assert "Ann" not in part and "unkind" not in part and incident.number not in part
    link = Notification.objects.get(recipient=personas.headteacher, title=EARLY).link
    assert link == f"/agreements/reviews/{review.pk}/"


def test_the_review_is_signed_off_and_approved_from_its_pages(personas, policy, client):
    incident = report(personas.school, personas.teacher)
    incident_services.flag_policy_review(
        incident=incident, by=personas.esafety_officer, reason="Gap"
    )
    review = PolicyReview.objects.get()
    url = f"/agreements/reviews/{review.pk}/"
    # Before anything is recorded, a sign-off is refused with a message, not an error.
    sign_in(client, personas.headteacher)
    early = client.post(url + "sign-off/", follow=True)
    assert early.status_code == 200 and "Record the review first" in early.content.decode()
    client.logout()

    sign_in(client, personas.esafety_officer)
    client.post(url, {"what_changed": "Covers group chats now", "text": "# Policy\n\nNew rules."})
    assert "Sign off as headteacher" not in client.get(url).content.decode()
    client.logout()

    sign_in(client, personas.headteacher)
    assert "Sign off as headteacher" in client.get(url).content.decode()
    assert client.post(url + "approve/").status_code == 403
    client.post(url + "sign-off/")
    review.refresh_from_db()
    assert review.version.status == VersionStatus.HEAD_SIGNED_OFF
    page = client.get(url).content.decode()
    assert "Next: the trustees approve it" in page and "Sign off as headteacher" not in page
    client.logout()

    sign_in(client, personas.trustee)
    assert client.get(url).status_code == 403  # trustees see the version, not the review
    approvals = client.get("/agreements/approvals/").content.decode()
    assert f"<bdi>E-safety policy</bdi>, version {review.version.number}" in approvals
    response = client.post(url + "approve/", follow=True)
    assert response.redirect_chain[-1][0] == f"/agreements/versions/{review.version_id}/"
    assert "all staff have been asked to sign it" in response.content.decode()
    review.refresh_from_db()
    assert review.closed_at is not None
    assert review.version.status == VersionStatus.PUBLISHED
    assert review.version.trustees_approved_by == personas.trustee
    assert policy.versions.get(number=1).status == VersionStatus.SUPERSEDED
    staff = {personas.headteacher, personas.esafety_officer, personas.technician, personas.teacher}
    asked = SignRequest.objects.filter(version=review.version).values_list("person", flat=True)
    assert set(asked) == {u.pk for u in staff}
    # Approving twice is a message, not an error.
    again = client.post(url + "approve/", follow=True)
    assert again.status_code == 200 and "This review is closed." in again.content.decode()
    # The review keeps its history.
    client.logout()
    sign_in(client, personas.esafety_officer)
    page = client.get(url).content.decode()
    assert "Changes to this review" in page and "Closed: the new version is published" in page


def test_the_yearly_review_reminder_is_sent_once_at_each_stage(personas, policy):
    policy.refresh_from_db()
    due = policy.review_due
    jobs = {"agreements.policy_review": registered_jobs()["agreements.policy_review"]}
    warning = f"The E-safety policy is due for review on {due:%-d %B %Y} (Oakwood Primary)"
    today = "The E-safety policy is due for review today (Oakwood Primary)"
    for days_before in (30, 29, 0):
        moment = datetime.datetime.combine(
            due - datetime.timedelta(days=days_before), datetime.time(8), tzinfo=LONDON
        )
        with time_machine.travel(moment, tick=False):
            run_sweeps(jobs=jobs)
            run_sweeps(jobs=jobs)
    for lead in (personas.esafety_officer, personas.headteacher):
        assert Notification.objects.filter(recipient=lead, title=warning).count() == 1
        assert Notification.objects.filter(recipient=lead, title=today).count() == 1
    assert Notification.objects.get(recipient=personas.headteacher, title=warning).link == (
        "/schools/oakwood/agreements/reviews/"
    )
    assert not Notification.objects.filter(recipient=personas.teacher).exclude(
        title__startswith="Please read and sign"
    )
    review = PolicyReview.objects.get()
    assert Notification.objects.get(recipient=personas.headteacher, title=today).link == (
        review.get_absolute_url()
    )


def test_a_policy_published_on_29_february_is_due_for_review_on_28_february(personas, policy):
    version = services.new_version(document=policy, by=personas.headteacher, text="Leap")
    services.head_sign_off(version=version, by=personas.headteacher)
    with time_machine.travel(datetime.datetime(2028, 2, 29, 10, tzinfo=LONDON), tick=False):
        services.approve(version=version, by=personas.trustee)
    policy.refresh_from_db()
    assert policy.review_due == datetime.date(2029, 2, 28)
