"""The chair of trustees appoints and ends the trust safeguarding lead on a page of their
own (not only in the Django admin); the appointed person then holds the trust lead's
role, which must use two-factor sign-in; every change is in the history."""

import html
import re

import pytest
from django.urls import reverse

from esafety.models import Role, TrustLead, User
from esafety.roles import access_for, forget_access, home_roles, requires_two_factor
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's words, without tags (names are wrapped in <bdi>)."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def appoint(client, personas, **data):
    data.setdefault("trust", personas.school.trust_id)
    return client.post(reverse("trust-leads"), data)


def test_the_chair_appoints_someone_known_at_the_trust_and_they_become_its_lead(personas, client):
    lead = person(personas.other_school, Role.STAFF, name="Nadia Karim")
    sign_in(client, personas.chair)
    response = appoint(client, personas, email=lead.email.upper())
    assert response.status_code == 302
    appointment = TrustLead.objects.get(user=lead)
    assert appointment.trust == personas.school.trust and appointment.ended_on is None
    record = appointment.history.get()
    assert record.history_user == personas.chair
    forget_access(lead)
    assert access_for(lead).lead_trust_ids == {personas.school.trust_id}
    assert "trust_lead" in home_roles(lead)
    page = text(client.get(reverse("trust-leads")))
    assert "Nadia Karim" in page and "Appointed Nadia Karim" in page
    # What a trust lead gets: their home page says so, and every school of the trust is theirs.
    sign_in(client, lead)
    home = text(client.get(reverse("home")))
    assert "Trust safeguarding lead" in home
    assert access_for(lead).lead_school_ids == {personas.school.pk, personas.other_school.pk}


def test_a_new_person_is_added_invited_and_appointed(
    personas, client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, personas.chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = appoint(
            client, personas, email="nadia.karim@trust.example", full_name="Nadia Karim"
        )
    assert response.status_code == 302
    lead = User.objects.get(email="nadia.karim@trust.example")
    assert TrustLead.objects.active().filter(user=lead).exists()
    assert not lead.has_usable_password()
    assert [m.to for m in mailoutbox] == [["nadia.karim@trust.example"]]


def test_an_unknown_email_without_a_name_is_a_form_error(personas, client):
    sign_in(client, personas.chair)
    response = appoint(client, personas, email="nobody@trust.example")
    assert response.status_code == 400
    assert "give their full name" in text(response)
    assert not TrustLead.objects.exists()


def test_someone_outside_the_trust_is_not_found_by_their_email(personas, client):
    from esafety.testing import SchoolFactory

    elsewhere = person(SchoolFactory(), Role.STAFF, name="Outside Person")
    sign_in(client, personas.chair)
    response = appoint(client, personas, email=elsewhere.email, full_name="Someone")
    assert response.status_code == 400
    assert not TrustLead.objects.exists()


def test_the_chair_ends_an_appointment_with_a_reason_kept_in_the_history(personas, client):
    lead = person(personas.school, Role.STAFF, name="Nadia Karim")
    sign_in(client, personas.chair)
    appoint(client, personas, email=lead.email)
    appointment = TrustLead.objects.get(user=lead)
    url = reverse("trust-lead-end", args=[appointment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Moved to another trust"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_on is not None
    forget_access(lead)
    assert access_for(lead).lead_trust_ids == frozenset()
    ended = appointment.history.first()
    assert ended.history_user == personas.chair
    assert ended.history_change_reason == "Moved to another trust"
    page = text(client.get(reverse("trust-leads")))
    assert "Ended Nadia Karim's appointment" in page and "Moved to another trust" in page
    assert "Nobody is the trust safeguarding lead" in page
    # A second click on the same ending is a note, not an error, and changes nothing.
    again = client.post(url, {"reason": "again"})
    assert again.status_code == 302
    assert appointment.history.count() == 2


def test_appointing_twice_makes_one_appointment(personas, client):
    lead = person(personas.school, Role.STAFF)
    sign_in(client, personas.chair)
    first = appoint(client, personas, email=lead.email, once="a-token-for-this-form-1")
    second = appoint(client, personas, email=lead.email, once="a-token-for-this-form-1")
    third = appoint(client, personas, email=lead.email)  # a new form: already the lead
    assert first.status_code == second.status_code == third.status_code == 302
    assert TrustLead.objects.filter(user=lead).count() == 1


@pytest.mark.parametrize("name", ["trustee", "headteacher", "esafety_officer", "teacher", "parent"])
def test_only_the_chair_may_appoint_or_end(personas, client, name):
    lead = person(personas.school, Role.STAFF)
    appointment = TrustLead.objects.create(user=lead, trust=personas.school.trust)
    sign_in(client, getattr(personas, name))
    assert client.get(reverse("trust-leads")).status_code == 403
    assert appoint(client, personas, email=personas.teacher.email).status_code == 403
    end = reverse("trust-lead-end", args=[appointment.pk])
    assert client.post(end, {"reason": "x"}).status_code == 403
    assert TrustLead.objects.get().ended_on is None
    assert TrustLead.objects.count() == 1


def test_a_chair_of_another_trust_cannot_end_this_trusts_lead(personas, client):
    from esafety.testing import SchoolFactory, trustee

    other_chair = trustee(SchoolFactory().trust, chair=True)
    appointment = TrustLead.objects.create(
        user=person(personas.school, Role.STAFF), trust=personas.school.trust
    )
    sign_in(client, other_chair)
    response = client.post(reverse("trust-lead-end", args=[appointment.pk]), {"reason": "x"})
    assert response.status_code == 404
    response = appoint(client, personas, email=personas.teacher.email)
    assert response.status_code == 400  # not a trust they chair: a form error
    assert TrustLead.objects.get().ended_on is None


def test_the_chairs_menu_has_the_page_and_a_trustees_does_not(personas, client):
    sign_in(client, personas.chair)
    assert reverse("trust-leads") in client.get(reverse("home")).content.decode()
    sign_in(client, personas.trustee)
    assert reverse("trust-leads") not in client.get(reverse("home")).content.decode()


# --- two-factor sign-in ---------------------------------------------------------------------


def test_the_trust_lead_must_use_two_factor_sign_in(personas, client, settings):
    """A trust lead with no other role sees every school's incidents: they are sent to set
    up two-factor sign-in before any page, like a headteacher."""
    assert settings.REQUIRE_2FA
    lead = person(personas.school, Role.STAFF, name="Nadia Karim")
    sign_in(client, lead, second_factor=False)
    assert client.get(reverse("home")).status_code == 200  # a teacher: no second factor
    TrustLead.objects.create(user=lead, trust=personas.school.trust)
    forget_access(lead)
    assert requires_two_factor(lead)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-setup") + "?")


def test_a_trust_lead_with_no_school_role_must_use_two_factor_sign_in(personas, client):
    from esafety.testing import UserFactory

    lead = UserFactory(full_name="Lee Trustlead")
    TrustLead.objects.create(user=lead, trust=personas.school.trust)
    sign_in(client, lead, second_factor=False)
    response = client.get(reverse("incident-queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-setup") + "?")
