"""Signing once for all your children: one page, one name, a signature per child, all or
nothing; copying the first child's answers; a double submit still one per child."""

import pytest
from django.urls import reverse

from agreements import family, services
from agreements.models import Channel, Signature, SignRequest
from agreements.tests.permissions_sign import parent_document
from esafety.models import ParentLink, Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_version(personas):
    """The parent agreement, with the parent asked for Poppy and Sam."""
    version = parent_document(personas)
    sam = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=sam, relationship="mother")
    services.sync_requests(document=version.document)
    return version


def sam():
    return SignRequest.objects.get(subject__full_name="Sam Second").subject


def post_data(version, personas, answers_by_child, name="Pat Parent"):
    data = {"typed_name": name, "text_hash": version.content_hash}
    for child, answers in answers_by_child.items():
        for channel, answer in answers.items():
            data[f"consent_{child.pk}_{channel}"] = answer
    return data


def all_(answer, **changes):
    return {c: answer for c in Channel.values} | changes


def url(version):
    return reverse("agreements-sign-family", args=[version.document.pk])


def test_the_to_sign_page_offers_one_page_for_all_children(personas, client, family_version):
    sign_in(client, personas.parent)
    page = client.get(reverse("agreements-to-sign")).content.decode()
    assert url(family_version) in page and "Sign once for all your children" in page
    family_page = client.get(url(family_version)).content.decode()
    assert family_page.count('class="border rounded p-3 mb-4 bg-body-tertiary agreement-text"') == 1
    assert "Poppy Pupil" in family_page and "Sam Second" in family_page
    assert "checked" not in family_page  # nothing pre-ticked


def test_the_home_page_offers_it_too(personas, client, family_version):
    sign_in(client, personas.parent)
    home = client.get(reverse("home")).content.decode()
    assert (
        f'href="{url(family_version)}">Sign for all your children: <bdi>Parent agreement</bdi></a>'
        in home
    )


def test_one_childs_page_points_to_signing_for_all(personas, client, family_version):
    sign_in(client, personas.parent)
    row = SignRequest.objects.get(subject=personas.pupil)
    page = client.get(reverse("agreements-sign", args=[row.pk])).content.decode()
    assert (
        f'href="{url(family_version)}">Sign for <bdi>Poppy Pupil</bdi> and '
        "<bdi>Sam Second</bdi> at once</a>" in page
    )


def test_one_submit_signs_for_each_child_with_their_own_answers(personas, client, family_version):
    sign_in(client, personas.parent)
    data = post_data(
        family_version,
        personas,
        {personas.pupil: all_("yes"), sam(): all_("yes", website="no")},
    )
    response = client.post(url(family_version), data)
    assert response.status_code == 302
    signatures = Signature.objects.filter(signer=personas.parent)
    assert sorted(s.subject.full_name for s in signatures) == ["Poppy Pupil", "Sam Second"]
    assert all(s.typed_name == "Pat Parent" for s in signatures)
    document = family_version.document
    assert services.consent_now(document, personas.pupil, "website")
    assert not services.consent_now(document, sam(), "website")
    assert services.consent_now(document, sam(), "newspaper")
    assert not SignRequest.objects.filter(completed_at__isnull=True).exists()


def test_one_childs_answer_missing_stores_nothing_and_names_the_child(
    personas, client, family_version
):
    sign_in(client, personas.parent)
    sams = all_("yes")
    del sams["social_media"]
    data = post_data(family_version, personas, {personas.pupil: all_("yes"), sam(): sams})
    response = client.post(url(family_version), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Answer yes or no for Sam Second: photos and videos on the school&#x27;s social" in page
    assert not Signature.objects.exists()
    assert SignRequest.objects.filter(completed_at__isnull=True).count() == 2


def test_the_service_is_all_or_nothing(personas, family_version):
    """Even past the form: the second child's missing answer undoes the first child's
    signature."""
    with pytest.raises(Exception) as error:
        family.sign_for_children(
            version=family_version,
            signer=personas.parent,
            answers={personas.pupil: all_(True), sam(): {"internet": True}},
            typed_name="Pat Parent",
        )
    assert "For Sam Second" in str(error.value)
    assert not Signature.objects.exists()


def test_the_typed_name_is_checked_once_for_all(personas, client, family_version):
    sign_in(client, personas.parent)
    data = post_data(
        family_version,
        personas,
        {personas.pupil: all_("yes"), sam(): all_("no")},
        name="Poppy Pupil",
    )
    page = client.post(url(family_version), data).content.decode()
    assert "Type your own name as the school holds it: Pat Parent." in page
    assert not Signature.objects.exists()


def test_copy_gives_the_first_childs_answers_to_the_others_still_changeable(
    personas, client, family_version
):
    sign_in(client, personas.parent)
    first = all_("yes", newspaper="no")
    data = post_data(family_version, personas, {personas.pupil: first}) | {"copy": "1"}
    page = client.post(url(family_version), data).content.decode()
    assert not Signature.objects.exists()  # copying is not signing
    assert "There is a problem" not in page
    for channel, answer in first.items():
        index = 0 if answer == "yes" else 1
        radio = f'id="id_consent_{sam().pk}_{channel}_{index}"'
        tag = page[page.index(radio) - 120 : page.index(radio) + 60]
        assert "checked" in tag, channel
    # Then Sam's website answer is changed before signing.
    data = post_data(
        family_version, personas, {personas.pupil: first, sam(): first | {"website": "no"}}
    )
    client.post(url(family_version), data)
    assert services.consent_now(family_version.document, personas.pupil, "website")
    assert not services.consent_now(family_version.document, sam(), "website")


def test_a_double_submit_makes_one_signature_per_child(personas, client, family_version):
    sign_in(client, personas.parent)
    data = post_data(family_version, personas, {personas.pupil: all_("yes"), sam(): all_("no")})
    first = client.post(url(family_version), data)
    second = client.post(url(family_version), data)
    assert first.status_code == second.status_code == 302
    assert Signature.objects.count() == 2


def test_another_parent_cannot_open_the_family_page(personas, client, family_version):
    sign_in(client, personas.teacher)
    assert client.get(url(family_version)).status_code == 404


def test_copying_before_answering_for_the_first_child_says_what_to_do(
    personas, client, family_version
):
    sign_in(client, personas.parent)
    data = post_data(family_version, personas, {}) | {"copy": "1"}
    page = client.post(url(family_version), data).content.decode()
    assert "Answer for Poppy Pupil first, then copy." in page
    assert "checked" not in page and not Signature.objects.exists()
