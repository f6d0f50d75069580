"""The queue's "urgent first, then newest" order, read in two index-friendly queries
(selectors.UrgentFirst), gives exactly the rows and order of one sort, on every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services
from incidents.models import Incident, Status
from incidents.selectors import UrgentFirst, queue_counts, with_who_and_what
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def a_mixed_log(personas):
    """Open and closed incidents, some urgent (category D, an overdue action), over days."""
    officer, now = personas.esafety_officer, timezone.now()
    for n in range(12):
        incident = report(
            personas.school, personas.teacher, category="pupil_d" if n % 4 == 0 else "pupil_a"
        )
        Incident.objects.filter(pk=incident.pk).update(reported_at=now - datetime.timedelta(days=n))
        if n % 3 != 2:
            services.acknowledge(incident=incident, by=officer)
        if n == 7:
            services.add_timeline_entry(
                incident=incident,
                by=officer,
                text="Speak to the class",
                owner=personas.teacher,
                due_on=timezone.localdate() - datetime.timedelta(days=1),
            )
        if n in (4, 8):  # closed: never urgent, whatever the category
            Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)


def test_two_queries_give_the_order_of_one_sort_on_every_page(personas):
    a_mixed_log(personas)
    incidents = with_who_and_what(Incident.objects.submitted()).exclude(status=Status.REPORTED)
    one_sort = list(incidents.order_by("urgent", "-reported_at", "-pk"))
    urgent = [i for i in one_sort if i.urgent == 0]
    assert len(urgent) == 2 and urgent[0].category == "pupil_d"  # D and the overdue action
    assert {i.status for i in one_sort[-3:]} >= {Status.CLOSED}
    split = UrgentFirst(incidents)
    assert split.count() == len(one_sort)
    for size in (1, 2, 3, 5):
        pages = [split[start : start + size] for start in range(0, len(one_sort), size)]
        assert [i.pk for page in pages for i in page] == [i.pk for i in one_sort]


def test_the_counts_come_from_one_query(personas, django_assert_num_queries):
    a_mixed_log(personas)
    incidents = with_who_and_what(Incident.objects.submitted())
    with django_assert_num_queries(1):
        counts = queue_counts(incidents)
    assert counts == {"waiting": 3, "others": 9, "urgent_others": 2}


def test_the_queue_page_lists_urgent_first_then_newest(personas, client):
    a_mixed_log(personas)
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-queue")).content.decode()
    assert "12 incidents match, 3 waiting to be acknowledged" in page
    table = page.split("Other incidents")[1].split('<div class="d-md-none">')[0]
    others = Incident.objects.exclude(status=Status.REPORTED)
    shown = sorted(others, key=lambda i: table.index(f">{i.reference}<"))
    assert [i.category for i in shown[:1]] == ["pupil_d"] and "overdue" in table
