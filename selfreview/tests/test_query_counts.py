"""The self-review's pages cost the same number of queries with a small plan and trust
as with one ten times larger (as the shared matrix checks for people and incidents)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.models import Role
from esafety.testing import SchoolFactory, person, sign_in
from selfreview import services
from selfreview.models import ActionItem, SelfReview
from selfreview.tests.factories import rated_review

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    cache.clear()  # a first visit: cached figures would hide the cost
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def grow(p, review, count):
    """`count` more actions (each with its own owner) on the signed plan, and schools in
    the trust with a review their headteacher signed. Written in bulk: a signed plan
    takes no new actions through the model."""
    today = timezone.localdate()
    actions = []
    for n in range(count):
        owner = person(p.school, Role.STAFF, name=f"Owner {review.pk}-{n}-{count}")
        actions.append(
            ActionItem(
                review=review,
                text=f"Action {n}",
                owner=owner,
                due_on=today + datetime.timedelta(days=n - 2),
            )
        )
        school = SchoolFactory(trust=p.school.trust)
        head = person(school, Role.HEADTEACHER)
        other = services.start_review(school=school, by=head)
        services.rate(review=other, by=head, aspect="training", level=2)
        SelfReview.objects.filter(pk=other.pk).update(head_signed_at=timezone.now())
    ActionItem.objects.bulk_create(actions)


@pytest.mark.parametrize("who", ["esafety_officer", "trustee"])
def test_review_pages_cost_the_same_with_ten_times_the_plan_and_schools(personas, client, who):
    p = personas
    review = rated_review(p)
    services.sign_as_head(review=review, by=p.headteacher)
    grow(p, review, 3)
    sign_in(client, getattr(p, who))
    urls = [
        reverse("selfreview-detail", args=[review.pk]),
        reverse("selfreview-school", args=[p.school.slug]),
    ]
    if who == "trustee":
        urls.append(reverse("selfreview-trust"))
    small = {url: queries(client, url) for url in urls}
    grow(p, review, 27)
    large = {url: queries(client, url) for url in urls}
    assert small == large
