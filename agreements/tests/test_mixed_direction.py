"""Words people type (a document's title, a child's name, the agreement's text) are
isolated (`<bdi>`, or `dir="auto"` for the text), so a Hebrew or Arabic title does not
reorder the English around it."""

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import SignRequest
from agreements.tests.factories import parent_agreement, published
from esafety.models import ParentLink, Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db

HEBREW_TITLE = "הסכם הורים"
ARABIC_NAME = "ليلى حداد"


def test_the_to_sign_list_and_the_signing_page_isolate_what_people_typed(client, personas):
    p = personas
    child = person(p.school, Role.PUPIL, name=ARABIC_NAME)
    ParentLink.objects.create(parent=p.parent, child=child)
    document = parent_agreement(p.school)
    document.title = HEBREW_TITLE
    document.save()
    published(document, p.esafety_officer, text="نص الاتفاقية", approver=p.trustee)
    services.sync_requests(document=document)
    sign_in(client, p.parent)
    page = client.get(reverse("agreements-to-sign")).content.decode()
    assert f"<bdi>{HEBREW_TITLE}</bdi>" in page
    assert f"For <bdi>{ARABIC_NAME}</bdi>" in page
    row = SignRequest.objects.get(person=p.parent, subject=child)
    page = client.get(reverse("agreements-sign", args=[row.pk])).content.decode()
    assert f"You are signing for <strong><bdi>{ARABIC_NAME}</bdi></strong>" in page
    assert '<div dir="auto"><p>نص الاتفاقية</p></div>' in page
