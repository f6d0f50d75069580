"""Trustees' incident counts from the figures layer: fresh after each report or change,
counts only, and the headteacher rule applied to the cached counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from esafety.models import TrusteeMembership
from esafety.testing import sign_in
from incidents import services
from incidents.models import Status, Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def counts_row(client, school):
    home = client.get(reverse("home")).content.decode()
    assert "Incidents in the last 12 months" in home
    row = home.split(f'<th scope="row">{school.name}</th>')[1].split("</tr>")[0]
    return [int(cell.split("</td>")[0]) for cell in row.split('<td class="text-end">')[1:]]


def test_a_new_report_and_a_closed_incident_show_at_once(personas, client):
    p = personas
    report(p.school, p.teacher, risk_area="contact")
    sign_in(client, p.trustee)
    assert counts_row(client, p.school) == [1, 1, 0, 1, 0, 0]  # all, open, 4 Cs
    second = report(p.school, p.teacher, risk_area="content")
    assert counts_row(client, p.school) == [2, 2, 1, 1, 0, 0]
    second.status = Status.CLOSED
    second.save()
    assert counts_row(client, p.school) == [2, 1, 1, 1, 0, 0]


def test_an_incident_a_year_old_drops_out_the_next_day(personas, client):
    with time_machine.travel(datetime.datetime(2025, 3, 2, 12, tzinfo=datetime.UTC)):
        report(personas.school, personas.teacher)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        sign_in(client, personas.trustee)
        assert counts_row(client, personas.school)[0] == 1
    with time_machine.travel(datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC)):
        sign_in(client, personas.trustee)
        home = client.get(reverse("home")).content.decode()
        assert "No incidents recorded in the last 12 months" in home


def test_the_cached_counts_leave_out_a_concern_only_for_that_schools_head(personas, client):
    p = personas
    report(p.school, p.teacher)
    report(p.school, p.teacher, subject=Subject.HEADTEACHER, category="staff_b")
    TrusteeMembership.objects.create(
        user=p.headteacher, trust=p.school.trust, started_on=datetime.date(2025, 9, 1)
    )
    sign_in(client, p.trustee)
    assert counts_row(client, p.school)[0] == 2  # computed and cached with both
    sign_in(client, p.headteacher)
    assert counts_row(client, p.school)[0] == 1  # the same cache, the head's share


def test_acknowledging_keeps_the_counts_right(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.trustee)
    assert counts_row(client, personas.school)[:2] == [1, 1]
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    assert counts_row(client, personas.school)[:2] == [1, 1]
