"""What the technician and staff meet on the loan, confiscation and search pages: told
once when a loan agreement is signed, a status that follows the signature, the people
picker scoped to the school, a way in from the menu, history in words, the return
checklist's factory reset and the search's witness."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from devices.models import Confiscation, Loan, Search
from devices.tests import factories
from esafety.models import Notification, Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db

SIGNED = "Agreement signed: ready to hand over"
WAITING = "Waiting for the agreement to be signed"


def signed_titles(user):
    return list(
        Notification.objects.filter(recipient=user, title__contains="is signed").values_list(
            "title", flat=True
        )
    )


def test_the_technician_is_told_once_when_the_loan_agreement_is_signed(
    personas, django_capture_on_commit_callbacks
):
    loan = factories.lend(personas)
    assert signed_titles(personas.technician) == []
    with django_capture_on_commit_callbacks(execute=True):
        factories.sign_loan(personas, loan)
    factories.sign_loan(personas, loan)  # a double submit records nothing new
    tag = loan.device.asset_tag
    assert signed_titles(personas.technician) == [
        f"The loan agreement for {tag} is signed: it can be handed over"
    ]
    told = Notification.objects.get(recipient=personas.technician, title__contains="is signed")
    assert told.link == reverse("loan-detail", args=[loan.pk])
    loan.refresh_from_db()
    assert loan.signed_at is not None
    # The email only points to the system: no device, no pupil, no parent.
    email = next(m for m in mail.outbox if m.to == [personas.technician.email])
    body = email.body + email.alternatives[0][0]
    for detail in (tag, personas.pupil.full_name, personas.parent.full_name):
        assert detail not in body and detail not in email.subject
    # Nobody else is told: not the head, not the teacher.
    assert signed_titles(personas.headteacher) == signed_titles(personas.teacher) == []


def test_a_staff_loan_signed_by_the_borrower_tells_the_technician(personas):
    loan = factories.lend(personas, borrower=personas.teacher)
    factories.sign_loan(personas, loan)
    assert len(signed_titles(personas.technician)) == 1


def test_another_agreement_signed_tells_the_technician_nothing(personas):
    loan = factories.lend(personas)
    # The parent signs a loan agreement for a pupil with no loan waiting: nothing to say.
    other_child = person(personas.school, Role.PUPIL, name="Sam Sibling")
    loan.borrower = other_child
    loan.save()
    factories.sign_loan(personas, Loan(school=loan.school, for_pupil=True, borrower=personas.pupil))
    assert signed_titles(personas.technician) == []


def test_the_loan_status_follows_the_signature(personas, client):
    loan = factories.lend(personas)
    url = reverse("loan-detail", args=[loan.pk])
    sign_in(client, personas.technician)
    before = client.get(url).content.decode()
    assert WAITING in before and "Not signed yet" in before and "Signed by" not in before
    factories.sign_loan(personas, loan)
    after = client.get(url).content.decode()
    assert "Signed by" in after and SIGNED in after and WAITING not in after
    listed = client.get(reverse("loans", args=[personas.school.slug])).content.decode()
    assert SIGNED in listed and WAITING not in listed


def test_the_lend_and_confiscate_forms_use_the_people_picker(personas, client):
    sign_in(client, personas.technician)
    page = client.get(reverse("loan-add", args=[personas.school.slug])).content.decode()
    assert 'role="combobox"' in page and "js/person-picker.js" in page
    # Nothing pre-loaded: the page never holds the school's list of people.
    assert personas.pupil.full_name not in page and personas.teacher.full_name not in page
    sign_in(client, personas.teacher)
    page = client.get(reverse("confiscation-add", args=[personas.school.slug])).content.decode()
    assert 'role="combobox"' in page and personas.pupil.full_name not in page


def _confiscation(pupil_pk="", typed=""):
    return {
        "pupil": pupil_pk,
        "pupil_search": typed,
        "description": "Black phone in a blue case",
        "reason": "Used in a lesson after a warning",
        "confiscated_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "held_where": "The office safe",
    }


def test_a_pupil_of_another_school_cannot_be_chosen(personas, client):
    elsewhere = person(personas.other_school, Role.PUPIL, name="Ezra Elsewhere")
    url = reverse("confiscation-add", args=[personas.school.slug])
    sign_in(client, personas.teacher)
    by_id = client.post(url, _confiscation(elsewhere.pk))
    assert by_id.status_code == 400 and "can&#x27;t be chosen here" in by_id.content.decode()
    by_name = client.post(url, _confiscation(typed="Ezra Elsewhere"))
    assert by_name.status_code == 400 and "No one matches" in by_name.content.decode()
    assert not Confiscation.objects.exists()
    # The pupil's name typed resolves to them, here.
    ok = client.post(url, _confiscation(typed=personas.pupil.full_name))
    assert ok.status_code == 302 and Confiscation.objects.get().pupil == personas.pupil


def test_a_borrower_of_another_school_cannot_be_chosen(personas, client):
    factories.publish_loan_agreements(personas)
    laptop = factories.device(personas.school)
    sign_in(client, personas.technician)
    response = client.post(
        reverse("loan-add", args=[personas.school.slug]),
        {
            "device": laptop.pk,
            "borrower": personas.other_school_teacher.pk,
            "due_back": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400 and not Loan.objects.exists()


def test_the_picker_finds_only_this_schools_people_for_whoever_may_use_the_page(personas, client):
    person(personas.other_school, Role.PUPIL, name="Poppy Elsewhere")
    url = reverse("devices-people-search", args=[personas.school.slug])
    sign_in(client, personas.teacher)
    found = client.get(url, {"who": "pupil", "q": "Poppy"}).content.decode()
    assert personas.pupil.full_name in found and "Elsewhere" not in found
    # Pupils only for a confiscation: staff are not offered.
    assert (
        personas.technician.full_name
        not in client.get(url, {"who": "pupil", "q": "Tess"}).content.decode()
    )
    # Borrowers are the technician's to choose, not a teacher's.
    assert client.get(url, {"who": "borrower", "q": "Poppy"}).status_code == 403
    assert client.get(url, {"who": "anyone", "q": "Poppy"}).status_code == 404
    for outsider, status in ((personas.other_school_teacher, 404), (personas.parent, 403)):
        sign_in(client, outsider)
        assert client.get(url, {"who": "pupil", "q": "Poppy"}).status_code == status


def _devices_menu(client):
    nav = client.get(reverse("home")).context["nav"]
    return [link.label for m in nav["menus"] if m.title == "Devices" for link in m.links]


def test_confiscating_is_in_the_menu_for_staff_and_linked_from_the_devices_pages(personas, client):
    sign_in(client, personas.teacher)
    assert "Confiscate a pupil's device" in _devices_menu(client)
    assert client.get(reverse("confiscation-add", args=[personas.school.slug])).status_code == 200
    sign_in(client, personas.parent)
    assert "Confiscate a pupil's device" not in _devices_menu(client)
    sign_in(client, personas.technician)
    inventory = client.get(reverse("devices-inventory", args=[personas.school.slug]))
    assert reverse("confiscation-add", args=[personas.school.slug]) in inventory.content.decode()


def test_the_loan_history_shows_yes_and_no_in_words(personas, client):
    loan = factories.lend(personas, hand_over=True)
    sign_in(client, personas.technician)
    client.post(
        reverse("loan-return", args=[loan.pk]),
        {
            "condition": "good",
            "accessories_returned": "on",
            "accounts_cleared": "on",
            "factory_reset": "on",
        },
    )
    page = client.get(reverse("loan-detail", args=[loan.pk])).content.decode()
    assert 'Factory reset done: <del dir="auto">no</del> → <ins dir="auto">yes</ins>' in page
    assert "True" not in page and "False" not in page


def test_a_return_without_a_factory_reset_is_refused_even_with_the_pin(personas, client):
    loan = factories.lend(personas, hand_over=True)
    sign_in(client, personas.technician)
    response = client.post(
        reverse("loan-return", args=[loan.pk]),
        {"condition": "good", "accessories_returned": "on", "accounts_cleared": "on"},
    )
    assert response.status_code == 400
    assert "Something on the checklist is not done" in response.content.decode()
    loan.refresh_from_db()
    assert loan.returned_at is None and loan.is_out


def test_a_searcher_cannot_be_their_own_witness(personas, client):
    sign_in(client, personas.teacher)
    response = client.post(
        reverse("search-add", args=[personas.school.slug]),
        {
            "pupil": personas.pupil.pk,
            "searched_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "witness": personas.teacher.pk,
            "reason": "Another pupil said a vape was in the bag",
            "looked_for": "A vape",
        },
    )
    assert response.status_code == 400
    assert "The witness must be someone other than the searcher." in response.content.decode()
    assert not Search.objects.exists()


def test_user_written_text_is_marked_for_its_own_direction(personas, client):
    loan = factories.lend(personas)
    Loan.objects.filter(pk=loan.pk).update(purpose="تعلم في المنزل")
    sign_in(client, personas.technician)
    page = client.get(reverse("loan-detail", args=[loan.pk])).content.decode()
    assert '<dd class="col-sm-8" dir="auto">تعلم في المنزل</dd>' in page
