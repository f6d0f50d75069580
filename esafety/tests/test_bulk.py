"""Rows written in one statement (esafety/bulk.py): what a campaign relies on."""

import pytest
from django.utils import timezone

from esafety.bulk import insert_rows
from esafety.models import Notification
from esafety.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_rows_are_inserted_with_their_ids_returned():
    people = [UserFactory(), UserFactory()]
    now = timezone.now()
    made = insert_rows(
        Notification,
        ["recipient_id", "title", "body", "link", "created_at"],
        [(p.pk, "Please read and sign", "", "/to-sign/", now) for p in people],
        returning=["id", "recipient_id"],
    )
    assert sorted(recipient for _, recipient in made) == sorted(p.pk for p in people)
    for pk, recipient in made:
        note = Notification.objects.get(pk=pk)
        assert note.recipient_id == recipient and note.read_at is None and note.emailed_at is None


def test_a_conflicting_row_is_skipped_and_the_rest_written(personas):
    from agreements.models import Document, Kind, SignRequest
    from agreements.services import REQUEST_COLUMNS
    from agreements.tests.factories import published

    document = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=[]
    )
    version = published(document, personas.esafety_officer, head=personas.headteacher)
    now = timezone.now()

    def row(person):
        return (document.pk, version.pk, person.pk, person.pk, "not_signed", "v1", now, 0, now)

    insert_rows(SignRequest, REQUEST_COLUMNS, [row(personas.teacher)], ignore_conflicts=True)
    insert_rows(
        SignRequest,
        REQUEST_COLUMNS,
        [row(personas.teacher), row(personas.technician)],
        ignore_conflicts=True,
    )
    assert sorted(SignRequest.objects.values_list("person_id", flat=True)) == sorted(
        [personas.teacher.pk, personas.technician.pk]
    )
