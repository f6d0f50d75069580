"""Bad input on the agreements pages gets a clear message, never a server error (issue 9)."""

import pytest
from django.urls import reverse

from agreements.models import Document, Kind
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def test_a_changed_audience_shows_in_the_history_and_the_page_still_opens(personas, client):
    document = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=["staff"]
    )
    sign_in(client, personas.esafety_officer)
    edit = {
        "kind": Kind.POLICY,
        "title": "E-safety policy",
        "audience_roles": ["staff", "headteacher"],
        "reminder_limit": "3",
    }
    response = client.post(reverse("agreements-document-edit", args=[document.pk]), edit)
    assert response.status_code == 302, response.content.decode()
    document.refresh_from_db()
    assert document.audience_roles == ["staff", "headteacher"]
    page = client.get(reverse("agreements-document", args=[document.pk]))
    assert page.status_code == 200
    assert "staff, headteacher" in page.content.decode()


def test_a_nul_byte_in_the_class_on_the_in_class_form_gets_a_clear_400(personas, client):
    sign_in(client, personas.teacher)
    url = reverse("agreements-in-class", args=[personas.school.slug])
    response = client.post(url, {"class_name": "5B\x00", "record": "1"})
    assert response.status_code == 400
    assert "character that can't be used" in response.content.decode()
