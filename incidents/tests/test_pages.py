"""The incident pages as staff use them: logging, drafts, steps, evidence, exports, PDF."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from esafety.models import Role
from esafety.testing import person, sign_in
from incidents import services
from incidents.models import (
    Evidence,
    Incident,
    IncidentTag,
    Part,
    PersonKind,
    Status,
    Subject,
)
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def log_form_data(personas, **overrides):
    data = {
        "school": personas.school.slug,
        "child_at_risk_now": "no",
        "contact_from_older": "no",
        "image_of_child": "no",
        "subject": Subject.PUPIL,
        "occurred_at": "2026-11-20T10:30",
        "location": "online",
        "description": "A pupil received unkind messages in a group chat.",
        "action_taken": "Screenshots not taken; pupil reassured.",
        "category": "pupil_c",
        "risk_area": "conduct",
        "tags": [IncidentTag.objects.get(slug="bullying").pk],
        "platform": "Group chat app",
        "device_owner": "personal",
        "people-TOTAL_FORMS": "3",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "20",
        "people-0-person": personas.pupil.pk,
        "people-0-kind": PersonKind.PUPIL,
        "people-0-part": Part.TARGET,
        "people-1-name": "Unknown older teenager",
        "people-1-kind": PersonKind.UNKNOWN,
        "people-1-part": Part.ALLEGED,
        "people-2-kind": PersonKind.PUPIL,
        "people-2-part": Part.OTHER,
        "submit": "1",
    }
    data.update(overrides)
    return data


def test_teacher_logs_an_incident_and_it_reaches_the_esafety_officer(personas, client):
    sign_in(client, personas.teacher)
    response = client.post(reverse("incident-create"), log_form_data(personas))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incident-detail", args=[incident.pk])
    assert incident.status == Status.REPORTED and incident.number.endswith("-0001")
    assert incident.routed_to == personas.esafety_officer
    assert incident.people.count() == 2
    assert list(incident.tags.values_list("slug", flat=True)) == ["bullying"]
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to be acknowledged" in page


def test_missing_description_shows_a_message_and_saves_nothing(personas, client):
    sign_in(client, personas.teacher)
    response = client.post(reverse("incident-create"), log_form_data(personas, description=""))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Incident.objects.count() == 0


def test_drafts_are_seen_only_by_their_author(personas, client):
    sign_in(client, personas.teacher)
    data = log_form_data(personas)
    del data["submit"]
    data["draft"] = "1"
    client.post(reverse("incident-create"), data)
    draft = Incident.objects.get()
    assert draft.status == Status.DRAFT and draft.number == ""
    assert client.get(reverse("incident-edit", args=[draft.pk])).status_code == 200
    for other in (personas.esafety_officer, personas.headteacher):
        client.logout()
        sign_in(client, other)
        assert client.get(reverse("incident-edit", args=[draft.pk])).status_code == 404
        assert "Draft" not in client.get(reverse("incident-queue")).content.decode()
    client.logout()
    sign_in(client, personas.teacher)
    client.post(reverse("incident-edit", args=[draft.pk]), log_form_data(personas))
    draft.refresh_from_db()
    assert draft.status == Status.REPORTED and draft.routed_to == personas.esafety_officer


def test_pupil_and_parent_cannot_log(personas, client):
    for user in (personas.pupil, personas.parent):
        client.logout()
        sign_in(client, user)
        assert client.post(reverse("incident-create"), log_form_data(personas)).status_code == 403
    assert Incident.objects.count() == 0


def test_amending_the_report_needs_a_reason_kept_in_history(personas, client):
    incident = report(personas.school, personas.teacher, description="First version")
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-action", args=[incident.pk, "amend"])
    fields = {"location": "online", "description": "Corrected version", "category": "pupil_b"}
    response = client.post(url, {**fields, "reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    incident.refresh_from_db()
    assert incident.description == "First version"
    client.post(url, {**fields, "reason": "Pupil's account clarified the order of events"})
    incident.refresh_from_db()
    assert incident.description == "Corrected version"
    latest = incident.history.first()
    assert latest.history_user == personas.esafety_officer
    assert latest.history_change_reason == "Pupil's account clarified the order of events"
    assert incident.timeline.filter(kind="change").exists()
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "Pupil&#x27;s account clarified" in page or "Pupil's account clarified" in page


def test_acknowledge_action_and_sign_off_flow(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    client.post(reverse("incident-action", args=[incident.pk, "acknowledge"]))
    client.post(
        reverse("incident-action", args=[incident.pk, "note"]),
        {
            "text": "Talk to the class about group chats",
            "owner": personas.teacher.pk,
            "due_on": "2026-12-04",
        },
    )
    incident.refresh_from_db()
    assert incident.status == Status.OPEN and incident.acknowledged_by == personas.esafety_officer
    action = incident.timeline.get(kind="action")
    assert action.owner == personas.teacher
    client.logout()
    sign_in(client, personas.headteacher)
    refused = client.post(reverse("incident-action", args=[incident.pk, "sign-off"]))
    assert refused.status_code == 400
    assert "Record the result of the review" in refused.content.decode()
    client.post(
        reverse("incident-action", args=[incident.pk, "review"]),
        {"result": "Handled well; no repeat."},
    )
    client.post(reverse("incident-action", args=[incident.pk, "sign-off"]))
    incident.refresh_from_db()
    assert incident.headteacher_signed_by == personas.headteacher
    assert incident.headteacher_signed_at is not None


def test_esafety_officer_cannot_sign_as_headteacher(personas, client):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.record_review(incident=incident, by=personas.esafety_officer, result="Done")
    sign_in(client, personas.esafety_officer)
    assert (
        client.post(reverse("incident-action", args=[incident.pk, "sign-off"])).status_code == 403
    )


def upload(name, content):
    return SimpleUploadedFile(name, content)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", PNG), ("photo.jpg", JPEG), ("clip.mp4", MP4), ("renamed.pdf", JPEG)],
)
def test_no_image_or_video_on_an_illegal_material_incident(personas, client, name, content):
    incident = report(personas.school, personas.teacher, suspected_illegal_material=True)
    sign_in(client, personas.esafety_officer)
    response = client.post(
        reverse("incident-action", args=[incident.pk, "evidence"]), {"file": upload(name, content)}
    )
    assert response.status_code == 400
    assert "Images and videos can&#x27;t be attached" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_no_image_on_a_sharing_nudes_incident(personas):
    tag = IncidentTag.objects.get(slug="sharing-nudes")
    incident = report(personas.school, personas.teacher, tags=[tag])
    with pytest.raises(services.ValidationError, match="Images and videos"):
        services.attach_evidence(
            incident=incident, by=personas.esafety_officer, upload=upload("a.png", PNG)
        )


def test_screenshot_allowed_on_an_ordinary_incident_and_documents_everywhere(personas, client):
    ordinary = report(personas.school, personas.teacher)
    serious = report(personas.school, personas.teacher, suspected_illegal_material=True)
    services.attach_evidence(
        incident=ordinary, by=personas.esafety_officer, upload=upload("chat.png", PNG)
    )
    services.attach_evidence(
        incident=serious, by=personas.esafety_officer, upload=upload("filter-log.txt", b"log")
    )
    assert Evidence.objects.count() == 2
    sign_in(client, personas.esafety_officer)
    item = Evidence.objects.get(incident=serious)
    download = client.get(reverse("incident-evidence", args=[serious.pk, item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"log"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ", "can't be attached. Allowed"),
        ("fake.png", b"%PDF-1.4", "don't match its name"),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_refused_files_give_a_clear_reason(personas, name, content, message):
    incident = report(personas.school, personas.teacher)
    with pytest.raises(services.ValidationError, match=message):
        services.attach_evidence(
            incident=incident, by=personas.esafety_officer, upload=upload(name, content)
        )


def test_chronology_shows_only_this_pupils_part(personas, client):
    from esafety.models import Role
    from esafety.testing import person

    other_pupil = person(personas.school, Role.PUPIL, name="Quentin Other")
    report(
        personas.school,
        personas.teacher,
        people=[
            {"person": personas.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET},
            {"person": other_pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.ALLEGED},
        ],
    )
    sign_in(client, personas.esafety_officer)
    page = client.get(
        reverse("pupil-chronology", args=[personas.school.slug, personas.pupil.pk])
    ).content.decode()
    assert "Target" in page
    assert "Quentin" not in page and "Alleged perpetrator" not in page
    other = client.get(
        reverse("pupil-chronology", args=[personas.school.slug, other_pupil.pk])
    ).content.decode()
    assert "Alleged perpetrator" in other and "Poppy" not in other


def test_export_escapes_formulas_in_its_text_fields(personas, client):
    reporter = person(personas.school, Role.STAFF, name="@Mallory Staff")
    report(
        personas.school,
        reporter,
        description='=HYPERLINK("http://x")',
        action_taken="+1+2",
    )
    sign_in(client, personas.esafety_officer)
    response = client.get(reverse("incident-export", args=[personas.school.slug]))
    assert response["Content-Type"].startswith("text/csv")
    header, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[:3] == ["Number", "Status", "Reported"]
    cells = dict(zip(header, row, strict=True))
    assert cells["What happened"] == '\'=HYPERLINK("http://x")'
    assert cells["Action taken"] == "'+1+2"
    assert cells["Reported by"] == "'@Mallory Staff"


def test_pdf_has_the_seed_forms_fields(personas, client):
    incident = report(
        personas.school,
        personas.teacher,
        description="Pupil shown a violent video on a phone",
        category="pupil_c",
    )
    services.set_review_date(
        incident=incident, by=personas.esafety_officer, review_date=datetime.date(2026, 12, 1)
    )
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.record_review(incident=incident, by=personas.esafety_officer, result="No repeat")
    services.sign_off(incident=incident, by=personas.headteacher)
    sign_in(client, personas.esafety_officer)
    response = client.get(reverse("incident-pdf", args=[incident.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    for field in (
        "E-safety Incident Log",
        "Number",
        "Reported By",
        "Reported To",
        "When",
        "Incident Description",
        "Review Date",
        "Result of Review",
        "Signature (Headteacher)",
        "Signature (Trustee)",
        "Date",
    ):
        assert field in text, field
    assert incident.number in text
    assert "Pupil shown a violent video" in text
    assert "Terry Teacher" in text and "Eddie Officer" in text
    signed_on = incident.headteacher_signed_at
    assert f"Signed electronically by Hana Head. Date: {signed_on:%-d %B %Y}" in text
    assert "Signature (Trustee) Not signed yet" in text
    assert "Oakwood Primary" in text and "Page 1 of" in text


def test_pdf_of_an_open_incident_says_what_is_still_to_come(personas, client):
    # An electronic record leaves no blank boxes to sign by hand beside it.
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    response = client.get(reverse("incident-pdf", args=[incident.pk]))
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Review Date Not set yet" in text
    assert "Result of Review Not reviewed yet" in text
    assert "Signature (Headteacher) Not signed yet" in text
    assert "Signature (Trustee) Not signed yet" in text


def test_a_trustee_asked_to_sign_can_read_and_sign_only_that_incident(personas, client):
    asked = report(personas.school, personas.teacher)
    not_asked = report(personas.school, personas.teacher)
    services.acknowledge(incident=asked, by=personas.esafety_officer)
    services.record_review(incident=asked, by=personas.esafety_officer, result="Resolved")
    sign_in(client, personas.esafety_officer)
    client.post(
        reverse("incident-action", args=[asked.pk, "ask-trustee"]), {"trustee": personas.trustee.pk}
    )
    client.logout()
    sign_in(client, personas.trustee)
    assert asked.number in client.get(reverse("home")).content.decode()
    assert client.get(reverse("incident-detail", args=[not_asked.pk])).status_code == 404
    client.post(reverse("incident-action", args=[asked.pk, "trustee-sign-off"]))
    asked.refresh_from_db()
    assert asked.trustee_signed_by == personas.trustee


def test_the_reporter_sees_progress_but_not_the_decisions(personas, client):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.add_referral(
        incident=incident,
        by=personas.esafety_officer,
        agency="police",
        referred_on=datetime.date(2026, 11, 25),
        reference="POL-998",
    )
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "Eddie Officer acknowledged your report" in page
    assert "POL-998" not in page and "Referrals" not in page
    client.logout()
    sign_in(client, personas.esafety_officer)
    assert "POL-998" in client.get(reverse("incident-detail", args=[incident.pk])).content.decode()


def test_adding_a_person_later_is_recorded_and_sanctions_are_suggested(personas, client):
    incident = report(personas.school, personas.teacher, category="pupil_b")
    sign_in(client, personas.esafety_officer)
    client.post(
        reverse("incident-action", args=[incident.pk, "person"]),
        {"name": "A visiting coach", "kind": PersonKind.VISITOR, "part": Part.WITNESS},
    )
    added = incident.people.get()
    assert added.display_name == "A visiting coach"
    assert added.history.first().history_user == personas.esafety_officer
    form = client.get(reverse("incident-action", args=[incident.pk, "sanction"])).content.decode()
    assert 'list="suggested-sanctions"' in form
    assert "Removal of phone until end of day" in form


def test_a_school_adds_its_own_kind_of_incident(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-kinds", args=[personas.school.slug])
    client.post(url, {"name": "Online challenge", "forbids_images": ""})
    duplicate = client.post(url, {"name": "bullying"})
    assert "already on the list" in duplicate.content.decode()
    sign_in(client, personas.teacher)
    form = client.get(reverse("incident-create")).content.decode()
    assert "Online challenge" in form
    sign_in(client, personas.other_school_teacher)
    assert "Online challenge" not in client.get(reverse("incident-create")).content.decode()


def test_history_panel_names_people_and_choices_not_ids(personas, client):
    incident = report(personas.school, personas.teacher)
    services.amend_report(
        incident=incident,
        by=personas.esafety_officer,
        reason="Clarified",
        changes={"location": "trip"},
    )
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    history = page.split("Changes to this record")[1]
    assert "Eddie Officer" in history  # routed to, shown by name
    assert "On a school trip or visit" in history  # a choice, shown by its label
    assert "Clarified" in history
