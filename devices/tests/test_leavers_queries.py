"""The leaver pages cost the same number of queries with 2 or 12 leavers, staff to hand
over to, and items on a checklist (the matrix test walks them too; this one pins them
even while another app's rows in the matrix are being mended)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devices import leavers
from devices.tests import factories
from esafety.models import Membership, Role
from esafety.testing import person, sign_in
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db


def grow(p, leaver, start, count):
    for n in range(start, start + count):
        other = person(p.school, Role.STAFF, name=f"Sam Staff {n}")
        factories.device(p.school, asset_tag=f"LAP-X{n:03d}", assigned_to=leaver)
        risk = make_risk(p.school, p.esafety_officer, owners=[leaver], title=f"Risk {n}")
        make_action(risk, p.esafety_officer, leaver)
        m = Membership.objects.get(user=other, school=p.school)
        m.ended_on = timezone.localdate()
        m.save()
        leavers.open_checklist(membership=m)


def counts(client, urls):
    found = {}
    for url in urls:
        cache.clear()  # a first visit, as the matrix test measures: cached panels hide costs
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        found[url] = len(captured.captured_queries)
    return found


def test_leaver_pages_cost_the_same_with_more_data(personas, client):
    p = personas
    factories.lend(p, borrower=p.teacher, hand_over=True)
    m = Membership.objects.get(user=p.teacher, school=p.school)
    m.ended_on = timezone.localdate()
    m.save()
    checklist = leavers.open_checklist(membership=m)
    grow(p, p.teacher, 0, 2)
    sign_in(client, p.technician)
    urls = [
        reverse("leaver-checklists", args=[p.school.slug]),
        checklist.get_absolute_url(),
        reverse("leaver-accounts", args=[checklist.pk]),
        reverse("home"),
    ]
    small = counts(client, urls)
    grow(p, p.teacher, 2, 10)
    large = counts(client, urls)
    assert large == small
