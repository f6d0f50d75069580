"""Words people type (a requirement's title, names, notes, a provider) are isolated with
`<bdi>`, so an Arabic or Hebrew title does not reorder the English around it."""

import pytest
from django.urls import reverse

from esafety.models import Role
from esafety.testing import person, sign_in
from training.tests.factories import days_ago, record, requirement

pytestmark = pytest.mark.django_db

ARABIC_TITLE = "السلامة على الإنترنت"
HEBREW_NAME = "נועה כהן"


def test_the_matrix_and_a_record_isolate_what_people_typed(client, personas):
    p = personas
    req = requirement(p.school, title=ARABIC_TITLE)
    noa = person(p.school, Role.STAFF, name=HEBREW_NAME)
    done = record(noa, req, days_ago(3), provider="مركز التدريب", notes="דף מידע")
    sign_in(client, p.esafety_officer)
    matrix = client.get(reverse("training-matrix", args=[p.school.slug])).content.decode()
    assert f"<bdi>{ARABIC_TITLE}</bdi>" in matrix
    assert f"<bdi>{HEBREW_NAME}</bdi>" in matrix
    page = client.get(reverse("training-record", args=[done.pk])).content.decode()
    for typed in (ARABIC_TITLE, HEBREW_NAME, "مركز التدريب", "דף מידע"):
        assert f"<bdi>{typed}</bdi>" in page
