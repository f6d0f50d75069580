"""Managing lists cost the same number of queries with 2 or 12 documents and reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import services
from agreements.models import Document, Kind, PolicyReview
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def add_documents(personas, count, start):
    for n in range(start, start + count):
        document = Document.objects.create(
            school=personas.school, kind=Kind.OTHER, title=f"Club {n}", audience_roles=["staff"]
        )
        version = services.new_version(document=document, by=personas.headteacher, text="v1")
        services.head_sign_off(version=version, by=personas.headteacher)
        if n % 2:
            services.approve(version=version, by=personas.trustee)
            services.new_version(document=document, by=personas.headteacher, text="v2")
        closed = PolicyReview.objects.create(document=document, reason="other")
        closed.closed_at = closed.opened_at
        closed.save()


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("esafety_officer", "/schools/oakwood/agreements/documents/"),
        ("headteacher", "/schools/oakwood/agreements/reviews/"),
        ("trustee", "/agreements/approvals/"),
    ],
)
def test_managing_lists_query_count_does_not_grow(personas, client, user, url):
    sign_in(client, getattr(personas, user))
    add_documents(personas, 2, 0)
    small = count(client, url)
    add_documents(personas, 10, 10)
    assert count(client, url) == small
