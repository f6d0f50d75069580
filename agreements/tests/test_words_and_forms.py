"""Words and forms (issue 12): a label said once in the error summary, plurals, the
24-hour clock, volunteers named as volunteers, who opened a review, parents offered only
parents' documents, and the signed form's school year, fingerprint and how to change it."""

import datetime
import io

import pytest
from django.template import Context, Template
from django.urls import reverse
from pypdf import PdfReader

from agreements import services
from agreements.models import Document, Kind, PolicyReview, Reason
from agreements.tests.factories import STAFF
from agreements.tests.permissions_sign import ANSWERS, parent_document, parent_request
from esafety.models import Membership, Role, StaffType
from esafety.templatetags.form_errors import summary_line
from esafety.testing import person, sign_in
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def staff_aup(p):
    document = Document.objects.create(
        school=p.school, kind=Kind.STAFF_AUP, title="Staff AUP", audience_roles=STAFF
    )
    version = services.new_version(document=document, by=p.esafety_officer, text="Be safe.")
    services.head_sign_off(version=version, by=p.headteacher)
    services.trustees_approve(version=version, by=p.trustee)
    return services.publish(version=version, by=p.esafety_officer)


def test_the_error_summary_does_not_repeat_the_label(personas, client):
    row = parent_request(personas)
    sign_in(client, personas.parent)
    data = {"text_hash": "x", "typed_name": ""}
    page = client.post(reverse("agreements-sign", args=[row["pk"]]), data).content.decode()
    assert "Type your full name to sign: Type your full name to sign" not in page
    assert ">Type your full name to sign.</a>" in page
    # A message that doesn't say what the field is keeps its label in front.
    assert summary_line("Email", "Enter a valid email address.") == (
        "Email: Enter a valid email address."
    )


def test_one_other_incident_is_singular(personas, client):
    from incidents import services as incident_services

    done = report(personas.school, personas.teacher)
    incident_services.acknowledge(incident=done, by=personas.esafety_officer)
    report(personas.school, personas.teacher)  # waiting to be acknowledged
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-queue")).content.decode()
    assert "1 other incident: urgent first, then newest" in page


def test_times_are_on_the_24_hour_clock_everywhere():
    moment = datetime.datetime(2026, 11, 3, 17, 5, tzinfo=datetime.UTC)
    text = Template("{{ t }} / {{ m }}").render(Context({"t": datetime.time(17, 5), "m": moment}))
    assert text == "17:05 / 3 Nov 2026, 17:05"


def test_a_volunteer_is_shown_as_a_volunteer(personas):
    volunteer = person(personas.school, Role.STAFF, name="Val Volunteer")
    membership = Membership.objects.get(user=volunteer)
    membership.staff_type = StaffType.VOLUNTEER
    membership.save()
    assert str(membership) == "Val Volunteer – Volunteer at Oakwood Primary"


def test_a_review_opened_by_a_person_says_who_in_its_history(personas, client):
    staff_aup(personas)  # not the policy
    policy = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    sign_in(client, personas.headteacher)
    client.post(reverse("agreements-review-open", args=[personas.school.slug]))
    review = PolicyReview.objects.get(document=policy)
    assert review.opened_by == personas.headteacher
    assert review.history.earliest().history_user == personas.headteacher
    page = client.get(review.get_absolute_url()).content.decode()
    assert "by the system" not in page.lower()


def test_a_parent_is_offered_only_parents_documents_to_read(personas, client):
    parent_document(personas)
    staff_aup(personas)
    sign_in(client, personas.parent)
    page = client.get(reverse("agreements-mine")).content.decode()
    assert "Parent agreement</bdi> (PDF)" in page
    assert "Staff AUP" not in page
    sign_in(client, personas.teacher)
    assert "Staff AUP</bdi> (PDF)" in client.get(reverse("agreements-mine")).content.decode()


def test_the_signed_form_says_its_school_year_the_fingerprint_and_how_to_change(personas, client):
    version = parent_document(personas)
    signature = services.sign(
        version=version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents=ANSWERS,
    )
    year = services.academic_year_label(personas.school, signature.signed_at.date())
    sign_in(client, personas.parent)
    response = client.get(reverse("agreements-signature-pdf", args=[signature.pk]))
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert f"The consent answers below count for the {year} school year." in text
    assert "School Oakwood Primary" in text
    assert "A fingerprint of the exact text you signed (SHA-256):" in text
    assert "Change or withdraw consent" in text
    page = client.get(reverse("agreements-signature", args=[signature.pk])).content.decode()
    assert "You can change or withdraw consent at any time" in page


def test_new_to_the_school_only_for_people_who_joined_this_academic_year(personas, client):
    document = Document.objects.create(
        school=personas.school, kind=Kind.STAFF_AUP, title="Staff AUP", audience_roles=STAFF
    )
    last_year = person(personas.school, Role.STAFF, name="Lee Lastyear")
    this_year = person(personas.school, Role.STAFF, name="Tia Thisyear")
    Membership.objects.filter(user=last_year).update(started_on=datetime.date(2025, 9, 1))
    Membership.objects.filter(user=this_year).update(started_on=datetime.date(2026, 9, 1))
    version = services.new_version(document=document, by=personas.esafety_officer, text="Rules.")
    services.head_sign_off(version=version, by=personas.headteacher)
    services.trustees_approve(version=version, by=personas.trustee)
    services.publish(version=version, by=personas.esafety_officer, on=datetime.date(2026, 11, 2))
    reasons = dict(
        document.requests.filter(person__in=[last_year, this_year]).values_list(
            "person__full_name", "reason"
        )
    )
    assert reasons == {"Lee Lastyear": Reason.NOT_SIGNED, "Tia Thisyear": Reason.INDUCTION}
    sign_in(client, last_year)
    page = client.get(reverse("agreements-to-sign")).content.decode()
    assert "Not signed yet" in page and "New to the school" not in page
