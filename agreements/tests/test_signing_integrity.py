"""What is signed is what was approved, by the person who says so: the text's hash is
checked before anyone signs, the typed name must be the signer's own, and a policy's
text can't make a reader's browser fetch anything."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from agreements import services, signing
from agreements.integrity import TEXT_CHANGED
from agreements.models import Signature, SignRequest, Version
from agreements.names import names_match
from agreements.tests.do_once import ACTIONS, answers, pupil_document
from agreements.tests.permissions_sign import ANSWERS, parent_document
from esafety.models import Membership, Notification, Role
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db
SIGN_ONLINE = next(a for a in ACTIONS if a.name == "sign online")
TOLD = "can't be signed: its text has changed"


@pytest.fixture
def to_sign(personas):
    return SIGN_ONLINE.setup(personas)


def tamper(version, text="# Agreement\n\nAll photos may be sold."):
    """Change a published text behind the application's back (a database edit)."""
    Version.objects.filter(pk=version.pk).update(text=text)


# --- the text's hash ------------------------------------------------------------------


def test_a_changed_text_cannot_be_signed_and_the_officer_is_told_once(personas, client, to_sign):
    tamper(to_sign["version"])
    sign_in(client, personas.parent)
    url, data = SIGN_ONLINE.request(to_sign)
    for response in (client.get(url), client.post(url, data), client.get(url)):
        assert response.status_code == 409
        assert escape(TEXT_CHANGED) in response.content.decode()
        assert "Type your full name" not in response.content.decode()
    assert not Signature.objects.exists()
    told = Notification.objects.filter(title__contains=TOLD)
    assert list(told.values_list("recipient", flat=True)) == [personas.esafety_officer.pk]


def test_without_an_officer_the_headteacher_is_told(personas, client, to_sign):
    Membership.objects.filter(role=Role.ESAFETY_OFFICER).delete()
    tamper(to_sign["version"])
    sign_in(client, personas.parent)
    client.get(SIGN_ONLINE.request(to_sign)[0])
    assert Notification.objects.get(title__contains=TOLD).recipient == personas.headteacher


def test_recording_in_class_or_on_paper_is_refused_for_a_changed_text(personas, client):
    in_class = next(a for a in ACTIONS if a.name == "record in class")
    paper = next(a for a in ACTIONS if a.name == "record a paper form")
    sign_in(client, personas.teacher)
    for action in (in_class, paper):
        context = action.setup(personas)
        tamper(context["version"], "Changed.")
        response = client.post(*action.request(context))
        assert response.status_code == 200
        assert escape(TEXT_CHANGED) in response.content.decode()
    assert not Signature.objects.exists()
    assert Notification.objects.filter(title__contains=TOLD).count() == 2  # one per version


def test_the_signature_records_the_hash_of_the_text_shown(personas, client, to_sign):
    version = to_sign["version"]
    sign_in(client, personas.parent)
    url, data = SIGN_ONLINE.request(to_sign)
    page = client.get(url).content.decode()
    assert f'name="text_hash" value="{version.content_hash}"' in page
    client.post(url, data)
    assert Signature.objects.get().content_hash == version.content_hash


def test_a_page_showing_another_text_is_not_signed(personas, client, to_sign):
    """The text changed between showing the page and pressing Sign: nothing is signed,
    and the page asks to read it again."""
    sign_in(client, personas.parent)
    url, data = SIGN_ONLINE.request(to_sign)
    response = client.post(url, {**data, "text_hash": "0" * 64})
    assert "This document changed while you were reading it" in response.content.decode()
    assert not Signature.objects.exists()
    with pytest.raises(Exception, match="changed while you were reading"):
        services.sign(
            version=to_sign["version"],
            signer=personas.parent,
            subject=personas.pupil,
            typed_name="Pat Parent",
            consents=ANSWERS,
            shown_hash="0" * 64,
        )


# --- the typed name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Zoë O'Brien", "zoe o'brien", "  ZOE   O’BRIEN ", "Zoe Anne O'Brien", "Zoë Mary O'Brien"],
)
def test_case_spaces_accents_and_middle_names_are_ignored(typed):
    assert names_match(typed, "Zoë Anne O'Brien")


@pytest.mark.parametrize("typed", ["Zoe", "O'Brien", "Zoe Smith", "Anne O'Brien", "Zo O'Brien"])
def test_a_different_first_or_last_name_does_not_match(typed):
    assert not names_match(typed, "Zoë Anne O'Brien")


def test_a_parent_signs_with_their_own_name_not_the_childs(personas, client, to_sign):
    sign_in(client, personas.parent)
    url, data = SIGN_ONLINE.request(to_sign)
    response = client.post(url, {**data, "typed_name": "Poppy Pupil"})
    assert response.status_code == 200
    errors = response.context["form"].errors["typed_name"]
    assert errors == ["Type your own name as the school holds it: Pat Parent."]
    assert not Signature.objects.exists()
    client.post(url, {**data, "typed_name": "pat  PARENT"})
    assert Signature.objects.get().typed_name == "pat  PARENT"


def test_a_paper_form_must_carry_the_signers_name(personas, client):
    paper = next(a for a in ACTIONS if a.name == "record a paper form")
    context = paper.setup(personas)
    sign_in(client, personas.teacher)
    url, data = paper.request(context)
    response = client.post(url, {**data, "typed_name": "Poppy Pupil"})
    assert response.context["form"].errors["typed_name"] == [
        "The name on the form should be the signer's: Pat Parent."
    ]
    assert not Signature.objects.exists()


def test_in_class_the_teachers_name_is_recorded_without_a_check(personas):
    version = pupil_document(personas)
    [signature] = signing.record_in_class(
        version=version, pupils=[personas.pupil], teacher=personas.teacher
    )
    assert signature.typed_name == "Terry Teacher (recorded in class)"


def test_consent_change_checks_the_name_too(personas, client):
    version = parent_document(personas)
    first = services.sign(
        version=version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents=ANSWERS,
    )
    sign_in(client, personas.parent)
    response = client.post(
        reverse("agreements-consent-change", args=[first.pk]),
        {"typed_name": "Ray Parent", "text_hash": version.content_hash, **answers()},
    )
    assert "Type your own name as the school holds it: Pat Parent." in response.content.decode()
    assert Signature.objects.count() == 1


# --- no remote resources in policy text -----------------------------------------------------


def test_policy_text_loads_no_images_or_remote_resources_but_keeps_links():
    html = signing.render_text(
        "# Rules\n\n![logo](https://tracker.example/pixel.png)\n\n"
        '<img src="https://tracker.example/a.png"> <video src="https://x.example/v.mp4"></video>'
        '<map><area href="https://x.example"></map><div style="background:url(https://x.example)">'
        "styled</div>\n\nRead [our guidance](https://school.example/guide)."
    )
    assert "tracker.example" not in html and "x.example" not in html
    assert "<img" not in html and "<video" not in html and "<area" not in html
    assert '<a href="https://school.example/guide" rel="noopener noreferrer">' in html
    assert "<h3>Rules</h3>" in html


def test_the_signing_page_shows_no_image_from_the_text(personas, client, to_sign):
    document = to_sign["version"].document
    version = services.new_version(
        document=document,
        by=personas.esafety_officer,
        text="# Agreement two\n\n![us](https://tracker.example/p.png)",
    )
    services.head_sign_off(version=version, by=personas.headteacher)
    services.approve(version=version, by=personas.chair)
    row = SignRequest.objects.get(version=version, person=personas.parent)
    sign_in(client, personas.parent)
    response = client.get(reverse("agreements-sign", args=[row.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Agreement two" in page
    assert "tracker.example" not in page
