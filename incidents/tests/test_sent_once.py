"""The new-incident form carries a one-time token (esafety/once.py): sending it again
lands on the report already made; a form shown again with errors can still be sent."""

import re

from django.urls import reverse

from esafety.testing import sign_in
from incidents.models import Incident
from incidents.tests.test_pages import log_form_data


def token_on(page) -> str:
    return re.search(r'name="once" value="([^"]+)"', page.content.decode()).group(1)


def test_sending_the_form_again_shows_the_report_already_made(personas, client):
    sign_in(client, personas.teacher)
    form = {**log_form_data(personas), "once": token_on(client.get(reverse("incident-create")))}
    first = client.post(reverse("incident-create"), form)
    again = client.post(reverse("incident-create"), form, follow=True)
    incident = Incident.objects.get()
    assert first.url == incident.get_absolute_url()
    assert again.redirect_chain[-1][0] == incident.get_absolute_url()
    assert "You sent this report twice; it was saved once." in again.content.decode()


def test_a_form_with_a_mistake_keeps_its_token_and_can_then_be_sent(personas, client):
    sign_in(client, personas.teacher)
    form = {**log_form_data(personas), "once": "token-of-a-form-with-a-mistake"}
    shown_again = client.post(reverse("incident-create"), {**form, "description": ""})
    assert shown_again.status_code == 200 and not Incident.objects.exists()
    assert token_on(shown_again) == form["once"]  # the same form, the same token
    sent = client.post(reverse("incident-create"), form)
    assert sent.url == Incident.objects.get().get_absolute_url()


def test_two_reports_from_two_forms_are_two_reports(personas, client):
    sign_in(client, personas.teacher)
    for token in ("token-of-the-first-form", "token-of-the-second-form"):
        client.post(reverse("incident-create"), {**log_form_data(personas), "once": token})
    assert Incident.objects.count() == 2
