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


@pytest.mark.parametrize("name, first", [("pupil", "worry-pupil"), ("parent", "worry-parent")])
def test_pupils_and_parents_see_report_a_worry_first(personas, client, name, first):
    links, top = first_actions(client, getattr(personas, name))
    path = reverse(first, args=[personas.school.slug])
    assert links == [path]
    assert f'href="{path}"' in top and reverse("incident-create") not in top


def test_trustees_get_no_such_button(personas, client):
    links, top = first_actions(client, personas.trustee)
    assert links == [] and "btn-lg" not in top
