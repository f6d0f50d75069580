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
from agreements.tests.factories import STAFF, published
from esafety.models import Role
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import SchoolFactory, TrustFactory, person, sign_in, trustee

pytestmark = pytest.mark.django_db


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
    published(document, personas.headteacher, "AUP", approver=personas.trustee)
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
    assert (
        "<bdi>E-safety policy</bdi>, version 1"
        in client.get("/agreements/approvals/").content.decode()
    )
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


def test_a_manager_can_publish_an_approved_version_before_its_date(personas, client, policy):
    version = services.new_version(document=policy, by=personas.headteacher, text="From June")
    version.effective_date = datetime.date(2027, 6, 1)
    version.save()
    services.head_sign_off(version=version, by=personas.headteacher)
    with time_machine.travel(datetime.datetime(2027, 5, 10, 9), tick=False):
        services.approve(version=version, by=personas.trustee)
        as_user(client, personas.trustee)
        assert client.post(f"/agreements/versions/{version.pk}/publish/").status_code == 403
        as_user(client, personas.esafety_officer)
        page = client.get(f"/agreements/versions/{version.pk}/").content.decode()
        assert "Publish now" in page
        followed = client.post(f"/agreements/versions/{version.pk}/publish/", follow=True)
    assert "Published. Everyone who must sign has been asked to." in followed.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert SignRequest.objects.filter(version=version, person=personas.teacher).exists()


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
    # Signatures and consent answers aren't in the admin at all: no list, no edit, no delete.
    assert Signature not in admin.site._registry
    assert ConsentAnswer not in admin.site._registry
    superuser = person(personas.school, Role.STAFF, name="Sam Super")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    version = other_document.current_version()
    signature = services.sign(
        version=version,
        signer=personas.teacher,
        subject=personas.teacher,
        typed_name=personas.teacher.full_name,
    )
    as_user(client, superuser)
    assert client.get("/admin/agreements/signature/").status_code == 404
    assert client.get(f"/admin/agreements/signature/{signature.pk}/change/").status_code == 404
    assert client.post(f"/admin/agreements/signature/{signature.pk}/delete/").status_code == 404
    assert client.get("/admin/agreements/consentanswer/").status_code == 404
    assert Signature.objects.filter(pk=signature.pk).exists()

    # Documents and versions can be looked at, not changed, deleted or reverted.
    for model in (Document, Version):
        model_admin = admin.site._registry[model]
        request = type("Request", (), {"user": superuser})()
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    page = client.get(f"/admin/agreements/version/{version.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/agreements/version/{version.pk}/delete/").status_code == 403
    history_id = version.history.order_by("history_id").first().history_id
    revert = f"/admin/agreements/version/{version.pk}/history/{history_id}/"
    assert client.get(revert).status_code == 200
    assert client.post(revert, {"text": "AUP", "status": "draft"}).status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_home_shows_the_policies_waiting_for_each_person(personas, client, policy):
    version = services.new_version(document=policy, by=personas.esafety_officer, text="Draft")
    as_user(client, personas.headteacher)
    page = client.get("/").content.decode()
    assert "Policies waiting for you" in page
    assert "E-safety policy, version 1</bdi></a> – waiting for your sign-off" in page
    as_user(client, personas.trustee)
    assert "Policies waiting for you" not in client.get("/").content.decode()
    services.head_sign_off(version=version, by=personas.headteacher)
    assert "waiting for the trustees&#x27; approval" in client.get("/").content.decode()
    as_user(client, personas.headteacher)  # signed off: nothing waits for the head now
    assert "waiting for your sign-off" not in client.get("/").content.decode()
    as_user(client, personas.teacher)
    assert "Policies waiting for you" not in client.get("/").content.decode()


def test_the_current_e_safety_policy_as_a_pdf(personas, client, policy):
    text = (
        "# Our e-safety policy\n\n"
        "Staff must report every online-safety concern to the e-safety officer the same day.\n"
    )
    first = services.new_version(
        document=policy, by=personas.esafety_officer, text="Superseded wording."
    )
    services.head_sign_off(version=first, by=personas.headteacher)
    services.approve(version=first, by=personas.trustee)
    version = services.new_version(document=policy, by=personas.esafety_officer, text=text)
    services.head_sign_off(version=version, by=personas.headteacher)
    with time_machine.travel(datetime.datetime(2027, 3, 4, 10), tick=False):
        services.approve(version=version, by=personas.chair)
    for reader in (personas.teacher, personas.pupil):
        as_user(client, reader)
        response = client.get(f"/agreements/documents/{policy.pk}/current.pdf")
        assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    words = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    version.refresh_from_db()
    assert "E-safety policy" in words and "Version 2, effective from 4 March 2027" in words
    assert "report every online-safety concern to the e-safety officer the same day" in words
    assert personas.headteacher.full_name in words and personas.chair.full_name in words
    assert version.content_hash[:32] in words.replace(" ", "")
    assert "Superseded wording" not in words
    as_user(client, personas.other_school_teacher)
    assert client.get(f"/agreements/documents/{policy.pk}/current.pdf").status_code == 404
