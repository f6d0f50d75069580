"""A "do it once" action sent twice in a row (a double click that arrives after the first
finished) records once, and the second click gets the same success page as the first."""

import pytest
from django.test import Client

from agreements.tests.do_once import ACTIONS
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def success_message(response) -> str:
    return " ".join(str(m) for m in response.context["messages"] if m.level_tag == "success")


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_a_second_click_records_nothing_new_and_shows_the_same_success(personas, action):
    context = action.setup(personas)
    client = sign_in(Client(), personas.get(action.actor))
    first, second = (client.post(*action.request(context), follow=True) for _ in range(2))
    assert action.made(context) == 1
    assert first.redirect_chain and second.redirect_chain
    assert second.redirect_chain[-1] == first.redirect_chain[-1]
    assert success_message(first)
    assert success_message(second) == success_message(first)
    assert not any(m.level_tag == "error" for m in second.context["messages"])
