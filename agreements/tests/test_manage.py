"""Managing documents through the pages: the version lifecycle, frozen published text,
wrong steps, other trusts, effective dates, the current version PDF, the admin."""

import datetime
import io

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from agreements import services
from agreements.models import (
    ConsentAnswer,
    Document,
    Kind,
    Signature,
    SignRequest,
    Version,
    VersionStatus,
)
from esafety.models import Role
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import SchoolFactory, TrustFactory, person, sign_in, trustee

pytestmark = pytest.mark.django_db
STAFF = ["headteacher", "esafety_officer", "technician", "staff"]


@pytest.fixture
def policy(personas):
    return Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )


@pytest.fixture
def other_document(personas):
    document = Document.objects.create(
        school=personas.school, kind=Kind.STAFF_AUP, title="Staff AUP", audience_roles=STAFF
    )
    version = services.new_version(document=document, by=personas.headteacher, text="AUP")
    services.head_sign_off(version=version, by=personas.headteacher)
    services.approve(version=version, by=personas.trustee)
    return document


def as_user(client, user):
    client.logout()
    return sign_in(client, user)


def test_a_version_goes_from_draft_to_published_through_the_pages(
    personas, client, policy, other_document
):
    as_user(client, personas.esafety_officer)
    response = client.post(
        f"/agreements/documents/{policy.pk}/new-version/",
        {"text": "# Policy\n\nBe safe online.", "change_summary": "First version"},
    )
    version = policy.versions.get()
    assert response.url == f"/agreements/versions/{version.pk}/"
    assert version.status == VersionStatus.DRAFT
    # The e-safety officer can't sign off for the headteacher.
    assert client.post(f"/agreements/versions/{version.pk}/sign-off/").status_code == 403

    as_user(client, personas.headteacher)
    page = client.get(f"/agreements/versions/{version.pk}/").content.decode()
    assert "Sign off as headteacher" in page and "Be safe online." in page
    client.post(f"/agreements/versions/{version.pk}/sign-off/")
    version.refresh_from_db()
    assert version.status == VersionStatus.HEAD_SIGNED_OFF
    assert version.head_signed_off_by == personas.headteacher

    as_user(client, personas.trustee)
    assert "E-safety policy, version 1" in client.get("/agreements/approvals/").content.decode()
    followed = client.post(f"/agreements/versions/{version.pk}/approve/", follow=True)
    assert "Everyone who must sign has been asked to." in followed.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.trustees_approved_by == personas.trustee
    assert version.content_hash
    asked = set(SignRequest.objects.filter(version=version).values_list("person", flat=True))
    staff = {personas.headteacher, personas.esafety_officer, personas.technician, personas.teacher}
    assert asked == {u.pk for u in staff}
    # Only this document's campaign: the AUP asked nobody again.
    assert not SignRequest.objects.filter(
        document=other_document, created_at__gte=version.published_at
    )

    # A second version supersedes the first.
    as_user(client, personas.esafety_officer)
    client.post(f"/agreements/documents/{policy.pk}/new-version/", {"text": "Version two"})
    second = policy.versions.get(number=2)
    services.head_sign_off(version=second, by=personas.headteacher)
    services.approve(version=second, by=personas.chair)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUPERSEDED
    assert policy.current_version() == second
    assert policy.review_due is not None


def test_published_text_cannot_be_edited(personas, client, other_document):
    version = other_document.current_version()
    as_user(client, personas.esafety_officer)
    response = client.post(
        f"/agreements/versions/{version.pk}/edit/", {"text": "Sneaky change"}, follow=True
    )
    assert "Only a draft can be edited" in response.content.decode()
    version.refresh_from_db()
    assert version.text == "AUP"
    version.text = "Sneaky change"
    with pytest.raises(ValidationError):
        version.save()


def test_a_draft_can_be_edited_and_bad_input_is_explained(personas, client, policy):
    as_user(client, personas.esafety_officer)
    client.post(f"/agreements/documents/{policy.pk}/new-version/", {"text": "Draft"})
    version = policy.versions.get()
    response = client.post(f"/agreements/versions/{version.pk}/edit/", {"text": "  "})
    assert "Write the text people will sign." in response.content.decode()
    client.post(f"/agreements/versions/{version.pk}/edit/", {"text": "Better draft"})
    version.refresh_from_db()
    assert version.text == "Better draft"
    assert version.history.first().history_user == personas.esafety_officer


def test_a_step_out_of_turn_is_a_message_not_an_error(personas, client, policy):
    version = services.new_version(document=policy, by=personas.headteacher, text="Draft")
    as_user(client, personas.trustee)
    response = client.post(f"/agreements/versions/{version.pk}/approve/", follow=True)
    assert response.status_code == 200
    assert "can&#x27;t move to that step" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_trustees_of_another_trust_find_nothing(personas, client, other_document):
    faraway = TrustFactory(name="Faraway Trust")
    SchoolFactory(trust=faraway)
    stranger = trustee(faraway, name="Fran Faraway")
    as_user(client, stranger)
    version = other_document.current_version()
    assert client.get(f"/agreements/versions/{version.pk}/").status_code == 404
    assert "Staff AUP" not in client.get("/agreements/approvals/").content.decode()


def test_a_version_approved_for_a_later_date_is_published_on_that_date(personas, policy):
    version = services.new_version(document=policy, by=personas.headteacher, text="From September")
    version.effective_date = datetime.date(2027, 9, 1)
    version.save()
    services.head_sign_off(version=version, by=personas.headteacher)
    with time_machine.travel(datetime.datetime(2027, 7, 10, 9), tick=False):
        services.approve(version=version, by=personas.trustee)
    version.refresh_from_db()
    assert version.status == VersionStatus.TRUSTEES_APPROVED
    jobs = {"agreements.publish_due": registered_jobs()["agreements.publish_due"]}
    with time_machine.travel(datetime.datetime(2027, 9, 1, 7), tick=False):
        run_sweeps(jobs=jobs)
        run_sweeps(jobs=jobs)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert SignRequest.objects.filter(version=version, person=personas.teacher).count() == 1


def test_everyone_in_the_school_can_download_the_current_version(personas, client, other_document):
    as_user(client, personas.teacher)
    response = client.get(f"/agreements/documents/{other_document.pk}/current.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    version = other_document.current_version()
    assert "Staff AUP" in text and "Version 1" in text and "AUP" in text
    assert version.content_hash[:16] in text.replace("\n", "")
    assert personas.trustee.full_name in text


def test_the_standard_documents_can_be_added_once(personas, client):
    as_user(client, personas.headteacher)
    client.post("/schools/oakwood/agreements/documents/standard/")
    assert Document.objects.filter(school=personas.school).count() == 8
    page = client.get("/schools/oakwood/agreements/documents/").content.decode()
    assert "Next: the headteacher signs it off" in page
    assert "Add them as drafts" not in page


def test_document_settings_are_checked(personas, client):
    as_user(client, personas.esafety_officer)
    response = client.post(
        "/schools/oakwood/agreements/documents/add/",
        {
            "kind": "other",
            "title": "Club consent",
            "audience_roles": ["staff"],
            "asks_consent": "on",
            "reminder_limit": 40,
        },
    )
    page = response.content.decode()
    assert "Consent is given by parents for each child." in page
    assert "At most 12 weekly reminders" in page
    assert not Document.objects.filter(title="Club consent").exists()


def test_the_admin_offers_no_way_to_edit_or_delete_a_signature(personas, client, other_document):
    assert Signature not in admin.site._registry
    assert ConsentAnswer not in admin.site._registry
    assert Version not in admin.site._registry
    superuser = person(personas.school, Role.STAFF, name="Sam Super")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    as_user(client, superuser)
    assert client.get("/admin/agreements/signature/").status_code == 404


def test_home_shows_the_policies_waiting_for_each_person(personas, client, policy):
    version = services.new_version(document=policy, by=personas.esafety_officer, text="Draft")
    as_user(client, personas.headteacher)
    page = client.get("/").content.decode()
    assert "Policies waiting for you" in page
    assert "E-safety policy, version 1</a> – waiting for your sign-off" in page
    as_user(client, personas.trustee)
    assert "Policies waiting for you" not in client.get("/").content.decode()
    services.head_sign_off(version=version, by=personas.headteacher)
    assert "waiting for the trustees&#x27; approval" in client.get("/").content.decode()
    as_user(client, personas.teacher)
    assert "Policies waiting for you" not in client.get("/").content.decode()
