"""A leaver's password stops working from the end date of their last role (the day the
role grants nothing: `Membership.ended_on`); on their last day it still works."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from esafety.models import Membership
from esafety.services import end_membership
from esafety.testing import PASSWORD

pytestmark = pytest.mark.django_db

ENDED_ON = datetime.date(2026, 7, 22)


def log_in(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10)), tick=False)


@pytest.fixture
def leaver(personas):
    membership = Membership.objects.get(user=personas.teacher, school=personas.school)
    end_membership(membership=membership, ended_on=ENDED_ON)
    return personas.teacher


def test_sign_in_works_on_the_last_day(leaver, client):
    with at(ENDED_ON - datetime.timedelta(days=1)):
        response = log_in(client, leaver)
        assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.parametrize("days_after", [0, 1])
def test_sign_in_is_refused_from_the_end_date(leaver, client, days_after):
    with at(ENDED_ON + datetime.timedelta(days=days_after)):
        response = log_in(client, leaver)
        assert response.status_code == 200
        assert "Your roles here have ended" in response.content.decode()
        assert not response.context["user"].is_authenticated
