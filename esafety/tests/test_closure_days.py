"""The e-safety officer (or headteacher) keeps the school's closure days on a plain page:
added days are skipped by working-day deadlines, removed ones are not, and the page shows
who added or removed which day."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from esafety.models import ClosureDay
from esafety.testing import sign_in
from esafety.workdays import next_working_day

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text without its tags (a reason is wrapped for its direction)."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_the_officer_adds_and_removes_a_closure_day_with_history(personas, client):
    url = reverse("closure-days", args=[personas.school.slug])
    friday = datetime.date(2026, 11, 27)
    sign_in(client, personas.esafety_officer)
    response = client.post(url, {"date": "2026-11-30", "reason": "INSET day"})
    assert response.status_code == 302
    assert next_working_day(personas.school, friday)[0] == datetime.date(2026, 12, 1)
    page = words(client.get(url))
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
    page = words(client.get(url))
    assert "Removed Mon 30 Nov 2026" in page and "None added." in page


def test_one_school_cannot_remove_anothers_closure_day(personas, client):
    theirs = ClosureDay.objects.create(
        school=personas.other_school, date=datetime.date(2026, 12, 14)
    )
    sign_in(client, personas.esafety_officer)
    url = reverse("closure-days", args=[personas.school.slug])
    client.post(url, {"remove": theirs.pk})
    assert ClosureDay.objects.filter(pk=theirs.pk).exists()


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_the_add_form_comes_first_and_each_remove_button_names_its_day(personas, client):
    """The page's first form is the one with fields (adding a day); each listed day has its
    own Remove button whose visible words name the day."""
    for day in (datetime.date(2026, 12, 14), datetime.date(2026, 12, 24)):
        ClosureDay.objects.create(school=personas.school, date=day)
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("closure-days", args=[personas.school.slug])).content.decode()
    forms = re.findall(r"<form.*?</form>", page, re.S)
    own = [f for f in forms if 'method="post"' in f and "action=" not in f.split(">")[0]]
    assert 'name="date"' in own[0], "the add form must come before the remove buttons"
    buttons = [
        html.unescape(re.sub(r"<[^>]+>", "", b))
        for b in re.findall(r'<button[^>]*name="remove"[^>]*>(.*?)</button>', page, re.S)
    ]
    assert buttons == ["Remove 14 Dec 2026", "Remove 24 Dec 2026"]
    assert "visually-hidden" not in "".join(re.findall(r'name="remove".*?</button>', page, re.S))


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_a_valid_form_the_service_refuses_gives_its_one_time_token_back(personas, client):
    """The form is valid but the service refuses it (the day was added meanwhile, by a
    colleague): the page shows the error, and the corrected form, sent with the same token,
    is saved — not taken for a second click of the first."""
    url = reverse("closure-days", args=[personas.school.slug])
    ClosureDay.objects.create(school=personas.school, date=datetime.date(2026, 11, 30))
    sign_in(client, personas.esafety_officer)
    token = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode())[1]
    refused = client.post(url, {"date": "2026-11-30", "once": token})
    assert refused.status_code == 400 and "already a closure day" in words(refused)
    assert f'value="{token}"' in refused.content.decode()  # the page keeps its token
    corrected = client.post(url, {"date": "2026-12-01", "once": token}, follow=True)
    assert "Tue 1 Dec 2026 was added as a closure day." in words(corrected)
    assert "sent this day twice" not in words(corrected)
    assert ClosureDay.objects.filter(date=datetime.date(2026, 12, 1)).exists()


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_the_same_form_sent_twice_adds_the_day_once(personas, client):
    url = reverse("closure-days", args=[personas.school.slug])
    sign_in(client, personas.esafety_officer)
    data = {"date": "2026-11-30", "once": "the-same-form-token-1"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "sent this day twice; it was added once" in words(again)
    assert "already a closure day" not in words(again)
    assert ClosureDay.objects.count() == 1
