"""The e-safety officer (or headteacher) keeps the school's closure days on a plain page:
added days are skipped by working-day deadlines, removed ones are not, and the page shows
who added or removed which day."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from esafety.models import ClosureDay
from esafety.testing import sign_in
from esafety.workdays import next_working_day

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_the_officer_adds_and_removes_a_closure_day_with_history(personas, client):
    url = reverse("closure-days", args=[personas.school.slug])
    friday = datetime.date(2026, 11, 27)
    sign_in(client, personas.esafety_officer)
    response = client.post(url, {"date": "2026-11-30", "reason": "INSET day"})
    assert response.status_code == 302
    assert next_working_day(personas.school, friday)[0] == datetime.date(2026, 12, 1)
    page = client.get(url).content.decode()
    assert "Monday 30 November 2026 – INSET day" in page
    assert "Eddie Officer" in page and "Added Mon 30 Nov 2026" in page

    again = client.post(url, {"date": "2026-11-30"})
    assert again.status_code == 400 and "already a closure day" in again.content.decode()
    christmas = client.post(url, {"date": "2026-12-25"}).content.decode()
    assert "bank holiday: deadlines skip it already" in christmas
    assert "within a year ago" in client.post(url, {"date": "2099-01-05"}).content.decode()
    assert ClosureDay.objects.count() == 1

    closure = ClosureDay.objects.get()
    assert client.post(url, {"remove": closure.pk}).status_code == 302
    assert next_working_day(personas.school, friday)[0] == datetime.date(2026, 11, 30)
    page = client.get(url).content.decode()
    assert "Removed Mon 30 Nov 2026" in page and "None added." in page


def test_one_school_cannot_remove_anothers_closure_day(personas, client):
    theirs = ClosureDay.objects.create(
        school=personas.other_school, date=datetime.date(2026, 12, 14)
    )
    sign_in(client, personas.esafety_officer)
    url = reverse("closure-days", args=[personas.school.slug])
    client.post(url, {"remove": theirs.pk})
    assert ClosureDay.objects.filter(pk=theirs.pk).exists()
