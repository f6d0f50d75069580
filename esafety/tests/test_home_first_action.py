"""The home page opens with the person's first thing to do (menu entries ordered at
esafety.menu.PRIMARY_ORDER or lower): for staff, "Log an incident", above every panel."""

import pytest
from django.urls import reverse

from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def first_actions(client, user) -> tuple[list[str], str]:
    sign_in(client, user)
    response = client.get(reverse("home"))
    page = response.content.decode()
    content = page[page.index("<h1") : page.index("What needs you now")]
    links = [
        link.url for menu in response.context["nav"]["menus"] for link in menu.links if link.primary
    ]
    return links, content


@pytest.mark.parametrize("name", ["teacher", "technician", "esafety_officer", "headteacher"])
def test_staff_see_log_an_incident_before_any_panel(personas, client, name):
    links, top = first_actions(client, getattr(personas, name))
    assert links == [reverse("incident-create")]
    assert f'href="{reverse("incident-create")}">Log an incident</a>' in top


@pytest.mark.parametrize("name", ["parent", "pupil", "trustee"])
def test_people_who_do_not_log_incidents_get_no_such_button(personas, client, name):
    links, top = first_actions(client, getattr(personas, name))
    assert links == [] and "btn-lg" not in top
