"""Register pages, CSVs, the printable register and the class bundle PDF cost no more
queries for a school of 84 than for a class of 4."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import services
from agreements.models import Document, Kind
from agreements.tests.factories import published
from esafety.models import Membership, ParentLink, Role, User
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db
YES = dict.fromkeys(["internet", "website", "newspaper", "prospectus", "social_media"], True)


def families(school, count, start):
    """`count` pupils in two classes, each with a parent; every other one signed."""
    pupils = User.objects.bulk_create(User(full_name=f"Pupil {start + n}") for n in range(count))
    parents = User.objects.bulk_create(User(full_name=f"Parent {start + n}") for n in range(count))
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                school=school,
                role=Role.PUPIL,
                year_group=5,
                class_name=("5A", "5B")[n % 2],
            )
            for n, u in enumerate(pupils)
        ]
        + [Membership(user=u, school=school, role=Role.PARENT) for u in parents]
    )
    pairs = list(zip(parents, pupils, strict=True))
    ParentLink.objects.bulk_create(
        ParentLink(parent=parent, child=child) for parent, child in pairs
    )
    return pairs


@pytest.fixture
def setup(personas):
    p = personas
    documents = {}
    for kind, roles, each_child in (
        (Kind.PARENT, ["parent"], True),
        (Kind.STAFF_AUP, ["staff"], False),
        (Kind.PUPIL_KS2, ["pupil"], False),
    ):
        document = Document.objects.create(
            school=p.school,
            kind=kind,
            title=kind.label,
            audience_roles=roles,
            parents_sign_for_each_child=each_child,
            asks_consent=each_child,
            grants_internet_access=not each_child,
        )
        documents[kind] = published(document, p.headteacher, "Text", approver=p.trustee)
    return documents


def grow(personas, documents, count, start):
    version, pupil_aup = documents[Kind.PARENT], documents[Kind.PUPIL_KS2]
    for n, (parent, child) in enumerate(families(personas.school, count, start)):
        if n % 2:
            services.sign(
                version=version,
                signer=parent,
                subject=child,
                typed_name=parent.full_name,
                consents=YES,
            )
        if n % 3:
            services.sign(
                version=pupil_aup, signer=child, subject=child, typed_name=child.full_name
            )


def count_queries(client, url):
    cache.clear()  # cached figures would hide what a first visit costs
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_register_pages_query_count_does_not_grow(personas, setup, client):
    sign_in(client, personas.esafety_officer)
    parent_doc = setup[Kind.PARENT].document
    pupil_aup = setup[Kind.PUPIL_KS2].document
    urls = [
        "/schools/oakwood/agreements/registers/",
        f"/schools/oakwood/agreements/registers/{parent_doc.pk}/",
        f"/schools/oakwood/agreements/registers/{parent_doc.pk}/?status=outstanding&group=5A",
        f"/schools/oakwood/agreements/registers/{parent_doc.pk}/csv/",
        f"/schools/oakwood/agreements/registers/{parent_doc.pk}/print/",
        f"/schools/oakwood/agreements/registers/{parent_doc.pk}/print/?status=signed&group=5B",
        f"/schools/oakwood/agreements/registers/{parent_doc.pk}/signed-forms.pdf?class_name=5B",
        f"/schools/oakwood/agreements/registers/{pupil_aup.pk}/?status=signed",
        f"/schools/oakwood/agreements/registers/{pupil_aup.pk}/print/",
        "/schools/oakwood/agreements/consent/",
        "/schools/oakwood/agreements/consent/?class_name=5A&channel=website",
        "/schools/oakwood/agreements/consent/?channel=website",
        "/schools/oakwood/agreements/consent/?channel=website&not_allowed_page=2",
        "/schools/oakwood/agreements/consent/csv/",
        "/schools/oakwood/agreements/internet-access/",
        "/schools/oakwood/agreements/internet-access/?access=no",
        "/schools/oakwood/agreements/internet-access/csv/",
        "/agreements/coverage/",
        "/",  # the home page, with the leads' coverage panel
    ]
    grow(personas, setup, 4, 0)
    client.get("/")  # warm the cached figures other apps' home panels read
    small = {url: count_queries(client, url) for url in urls}
    grow(personas, setup, 80, 100)
    large = {url: count_queries(client, url) for url in urls}
    # Never more (a page of a larger school may span fewer agreements, so one fewer).
    assert {url: n for url, n in large.items() if n > small[url]} == {}
