"""The signing pages: signing, consent, my agreements, recording for others, the PDF."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from agreements import services
from agreements.models import Document, Kind, Method, Reason, Signature, SignRequest
from agreements.tests.permissions_sign import parent_document
from esafety.models import Membership, ParentLink, Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db

YES = {"internet": "yes", "website": "yes", "newspaper": "yes", "prospectus": "yes"}
YES["social_media"] = "yes"


def answers(**changes):
    return {f"consent_{k}": v for k, v in {**YES, **changes}.items()}


def shown(version):
    """What the signing page sends back: the hash of the text it showed."""
    return {"text_hash": version.content_hash}


def ask(version, person_, subject):
    return SignRequest.objects.create(
        document=version.document,
        version=version,
        person=person_,
        subject=subject,
        reason=Reason.INDUCTION,
        cycle="2026-27",
    )


@pytest.fixture
def parent_version(personas):
    return parent_document(personas)


@pytest.fixture
def second_child(personas):
    child = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=child, relationship="mother")
    return child


def test_signing_records_ip_agent_hash_and_completes_the_request(personas, client, parent_version):
    row = ask(parent_version, personas.parent, personas.pupil)
    sign_in(client, personas.parent)
    response = client.post(
        reverse("agreements-sign", args=[row.pk]),
        {"typed_name": "Pat Parent", **shown(parent_version), **answers(website="no")},
        HTTP_USER_AGENT="TestBrowser/1.0",
        REMOTE_ADDR="203.0.113.7",
    )
    signature = Signature.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements-signature", args=[signature.pk])
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == "TestBrowser/1.0"
    assert signature.content_hash == parent_version.content_hash
    assert (signature.signer, signature.subject) == (personas.parent, personas.pupil)
    assert signature.method == Method.ONLINE
    assert not signature.answers.get(channel="website").given
    row.refresh_from_db()
    assert row.completed_at is not None
    assert client.get(reverse("agreements-to-sign")).context["count"] == 0


def test_consent_is_never_pre_ticked_and_missing_answers_are_named(
    personas, client, parent_version
):
    row = ask(parent_version, personas.parent, personas.pupil)
    sign_in(client, personas.parent)
    page = client.get(reverse("agreements-sign", args=[row.pk])).content.decode()
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", page)
    assert len(radios) == 10
    assert not any("checked" in radio for radio in radios)
    assert "first name OR a photograph, never both" in page
    data = {"typed_name": "Pat Parent", **shown(parent_version), **answers()}
    del data["consent_newspaper"]
    response = client.post(reverse("agreements-sign", args=[row.pk]), data)
    assert response.status_code == 200
    assert "Answer yes or no: photos and videos in newspapers." in response.content.decode()
    assert not Signature.objects.exists()
    response = client.post(reverse("agreements-sign", args=[row.pk]), {**answers()})
    assert "Type your full name to sign." in response.content.decode()


def test_parent_signs_for_two_children_with_different_choices(
    personas, client, parent_version, second_child
):
    first = ask(parent_version, personas.parent, personas.pupil)
    second = ask(parent_version, personas.parent, second_child)
    sign_in(client, personas.parent)
    page = client.get(reverse("agreements-to-sign")).content.decode()
    assert "For <bdi>Poppy Pupil</bdi>" in page and "For <bdi>Sam Second</bdi>" in page
    client.post(
        reverse("agreements-sign", args=[first.pk]),
        {"typed_name": "Pat Parent", **shown(parent_version), **answers()},
    )
    client.post(
        reverse("agreements-sign", args=[second.pk]),
        {
            "typed_name": "Pat Parent",
            **shown(parent_version),
            **answers(website="no", social_media="no"),
        },
    )
    assert services.consent_now(parent_version.document, personas.pupil, "website")
    assert not services.consent_now(parent_version.document, second_child, "website")
    assert services.consent_now(parent_version.document, second_child, "prospectus")
    mine = client.get(reverse("agreements-mine")).context["signatures"]
    assert {s.subject for s in mine} == {personas.pupil, second_child}


def test_withdrawal_adds_a_record_and_the_old_detail_is_unchanged(personas, client, parent_version):
    old = services.sign(
        version=parent_version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents={k: True for k in YES},
    )
    sign_in(client, personas.parent)
    detail = reverse("agreements-signature", args=[old.pk])
    before = client.get(detail).content.decode()
    assert reverse("agreements-consent-change", args=[old.pk]) in before
    response = client.post(
        reverse("agreements-consent-change", args=[old.pk]),
        {"typed_name": "Pat Parent", **shown(parent_version), **answers(website="no")},
    )
    new = Signature.objects.exclude(pk=old.pk).get()
    assert response["Location"] == reverse("agreements-signature", args=[new.pk])
    assert new.is_withdrawal
    assert old.answers.get(channel="website").given
    assert record(client.get(detail).content.decode()) == record(before)
    assert "Consent withdrawn" in client.get(reverse("agreements-mine")).content.decode()


def record(page):
    return re.search(r'<dl class="row">.*?</dl>', page, re.S).group(0)


def test_changed_text_shows_a_warning(personas, client, parent_version):
    signature = services.sign(
        version=parent_version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents={k: True for k in YES},
    )
    sign_in(client, personas.parent)
    url = reverse("agreements-signature", args=[signature.pk])
    assert "has changed since it was signed" not in client.get(url).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_version SET text = 'Tampered' WHERE id = %s", [parent_version.pk]
        )
    page = client.get(url).content.decode()
    assert 'class="alert alert-danger" role="alert">The text of this version has' in page
    assert "The text of this version has changed since it was signed" in page


def test_another_parents_child_is_not_found_and_cant_be_signed_for(
    personas, client, parent_version
):
    other_parent = person(personas.school, Role.PARENT, name="Olive Other")
    other_child = person(personas.school, Role.PUPIL, name="Oscar Other")
    ParentLink.objects.create(parent=other_parent, child=other_child, relationship="father")
    theirs = services.sign(
        version=parent_version,
        signer=other_parent,
        subject=other_child,
        typed_name="Olive Other",
        consents={k: True for k in YES},
    )
    sign_in(client, personas.parent)
    for name in ("agreements-signature", "agreements-signature-pdf", "agreements-consent-change"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    # A request wrongly made out to this parent for a child who isn't theirs.
    wrong = ask(parent_version, personas.parent, other_child)
    response = client.post(
        reverse("agreements-sign", args=[wrong.pk]),
        {"typed_name": "Pat Parent", **shown(parent_version), **answers()},
    )
    assert response.status_code == 403
    # Another person's request is not found.
    theirs_to_sign = ask(parent_version, other_parent, other_child)
    assert client.get(reverse("agreements-sign", args=[theirs_to_sign.pk])).status_code == 404
    assert Signature.objects.count() == 1


def pupil_document(p):
    document = Document.objects.create(
        school=p.school,
        kind=Kind.PUPIL_KS2,
        title="KS2 online rules",
        audience_roles=["pupil"],
    )
    version = services.new_version(document=document, by=p.esafety_officer, text="Be kind.")
    services.head_sign_off(version=version, by=p.headteacher)
    services.trustees_approve(version=version, by=p.trustee)
    return services.publish(version=version, by=p.esafety_officer)


def test_teacher_records_agreement_in_class(personas, client):
    version = pupil_document(personas)
    Membership.objects.filter(user=personas.pupil).update(class_name="5B")
    other = person(personas.school, Role.PUPIL, name="Ava Absent", class_name="5B")
    person(personas.school, Role.PUPIL, name="Cal Otherclass", class_name="5C")
    sign_in(client, personas.teacher)
    url = reverse("agreements-in-class", args=[personas.school.slug])
    page = client.post(url, {"class_name": "5B", "document": version.document.pk, "choose": "1"})
    content = page.content.decode()
    assert "Poppy Pupil" in content and "Ava Absent" in content
    assert "Cal Otherclass" not in content
    response = client.post(
        url,
        {
            "class_name": "5B",
            "document": version.document.pk,
            "pupils": [personas.pupil.pk],
            "record": "1",
        },
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.signer == signature.subject == personas.pupil
    assert signature.recorded_by == personas.teacher
    assert signature.method == Method.IN_CLASS
    assert signature.typed_name == "Terry Teacher (recorded in class)"
    assert not Signature.objects.filter(subject=other).exists()


def test_office_records_a_paper_form(personas, client, parent_version):
    sign_in(client, personas.teacher)
    url = reverse("agreements-paper", args=[personas.school.slug])
    data = {
        "document": parent_version.document.pk,
        "signer": personas.parent.pk,
        "subject": personas.pupil.pk,
        "typed_name": "Pat Parent",
        **answers(newspaper="no"),
    }
    bad = client.post(url, {**data, "scan": SimpleUploadedFile("x.txt", b"hello")})
    assert "Attach a PDF, JPEG or PNG scan." in bad.content.decode()
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(url, {**data, "scan": scan})
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.method == Method.PAPER
    assert signature.recorded_by == personas.teacher
    assert (signature.signer, signature.subject) == (personas.parent, personas.pupil)
    assert not signature.answers.get(channel="newspaper").given
    assert signature.scan


def test_signed_form_pdf_has_the_text_and_the_record(personas, client, parent_version):
    signature = services.sign(
        version=parent_version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents={**{k: True for k in YES}, "website": False},
    )
    sign_in(client, personas.parent)
    response = client.get(reverse("agreements-signature-pdf", args=[signature.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Agreement", "Pat Parent", "Poppy Pupil", "Signed online"):
        assert expected in text
    assert parent_version.content_hash[:16] in text.replace("\n", "")
    assert "website" in text


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_query_counts_do_not_grow(personas, client, parent_version):
    sign_in(client, personas.parent)

    def add_children(n):
        for _ in range(n):
            child = person(personas.school, Role.PUPIL)
            ParentLink.objects.create(parent=personas.parent, child=child, relationship="father")
            services.sign(
                version=parent_version,
                signer=personas.parent,
                subject=child,
                typed_name="Pat Parent",
                consents={k: True for k in YES},
            )
            open_row = ask(parent_version, personas.parent, child)
            SignRequest.objects.filter(pk=open_row.pk).update(cycle="next")
            ask(parent_version, personas.parent, child)

    counts = {}
    for size in (1, 5):
        add_children(size if size == 1 else 4)
        counts[size] = [
            queries(client, reverse(name))
            for name in ("agreements-to-sign", "agreements-mine", "home")
        ]
    assert counts[1] == counts[5]


def test_my_agreements_offers_the_current_documents_to_read(personas, client, parent_version):
    sign_in(client, personas.teacher)
    page = client.get("/agreements/mine/").content.decode()
    url = f"/agreements/documents/{parent_version.document.pk}/current.pdf"
    assert url in page
    assert client.get(url).status_code == 200
    client.logout()
    sign_in(client, personas.other_school_teacher)
    assert url not in client.get("/agreements/mine/").content.decode()
