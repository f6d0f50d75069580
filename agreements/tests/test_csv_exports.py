"""Each register's CSV download escapes a value that would run as a formula in Excel."""

import csv
import io

import pytest
from django.urls import reverse

from agreements.models import Document, Kind
from agreements.tests.factories import STAFF, parent_agreement, published
from esafety.models import Membership, Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db
YES = dict.fromkeys(["internet", "website", "newspaper", "prospectus", "social_media"], True)


def download(client, name, school, **kwargs):
    response = client.get(reverse(name, kwargs={"slug": school.slug, **kwargs}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_register_csv_escapes_a_name(personas, client):
    person(personas.school, Role.STAFF, name='=HYPERLINK("http://x")')
    policy = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    published(policy, personas.headteacher)
    sign_in(client, personas.esafety_officer)
    rows = download(client, "agreements-register-csv", personas.school, pk=policy.pk)
    assert '\'=HYPERLINK("http://x")' in [row[0] for row in rows]


def test_consent_register_csv_escapes_a_name_and_a_class(personas, client):
    pupil = person(personas.school, Role.PUPIL, name="+1+2")
    Membership.objects.filter(user=pupil).update(class_name="-5A")
    published(parent_agreement(personas.school), personas.headteacher)
    sign_in(client, personas.headteacher)
    rows = download(client, "agreements-consent-register-csv", personas.school)
    assert ["'+1+2", "'-5A"] in [row[:2] for row in rows]


def test_internet_register_csv_escapes_a_name_and_a_title(personas, client):
    person(personas.school, Role.STAFF, name="@SUM(A1:A9)")
    aup = Document.objects.create(
        school=personas.school,
        kind=Kind.STAFF_AUP,
        title="\tStaff AUP",
        audience_roles=STAFF,
        grants_internet_access=True,
    )
    published(aup, personas.headteacher)
    sign_in(client, personas.technician)
    rows = download(client, "agreements-internet-register-csv", personas.school)
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'@SUM(A1:A9)"][2] == "'\tStaff AUP"
