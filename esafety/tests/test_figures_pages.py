"""The trust overview and the people panel read the cached people figures: fresh after a
membership changes, also after a CSV import (which writes in bulk, without signals)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esafety.models import Membership, Role
from esafety.people_import import COLUMN_NAMES
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db

PUPIL_ROW = "pupil,UPN901,Ada,Lovelace,,14/03/2016,Year 4,4B,,,,,"


def oakwood_counts(client):
    page = client.get(reverse("trust-overview")).content.decode()
    row = page.split('<th scope="row" dir="auto">Oakwood Primary</th>')[1].split("</tr>")[0]
    return [int(cell.split("</td>")[0]) for cell in row.split('<td class="text-end">')[1:]]


def test_the_trust_overview_counts_a_new_pupil_and_a_leaver_at_once(personas, client):
    sign_in(client, personas.trustee)
    assert oakwood_counts(client) == [1, 4, 1]  # pupils, staff, parents
    pupil = person(personas.school, Role.PUPIL)
    assert oakwood_counts(client) == [2, 4, 1]
    Membership.objects.get(user=pupil).delete()
    assert oakwood_counts(client) == [1, 4, 1]


def test_pupils_imported_from_a_file_are_counted_at_once(personas, client):
    sign_in(client, personas.trustee)
    assert oakwood_counts(client)[0] == 1
    sign_in(client, personas.esafety_officer)
    upload = SimpleUploadedFile(
        "people.csv", f"{','.join(COLUMN_NAMES)}\n{PUPIL_ROW}\n".encode(), content_type="text/csv"
    )
    response = client.post(reverse("people-import", args=["oakwood"]), {"file": upload})
    assert "Import complete" in response.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "of whom 2 pupils" in home
    sign_in(client, personas.trustee)
    assert oakwood_counts(client)[0] == 2
