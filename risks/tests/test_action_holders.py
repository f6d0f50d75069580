"""A member of staff who holds an action on a risk (and owns nothing else here) sees that
risk and marks the action done from the page a browser shows; once they have left the
school, they can do neither."""

import re
from html import unescape

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from esafety.services import end_membership
from esafety.testing import sign_in
from risks import views
from risks.models import Action
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def teachers_action(personas):
    """A risk the technician owns, with one action held by the teacher."""
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.technician])
    return make_action(risk, personas.esafety_officer, personas.teacher)


def form_target(page: str) -> str:
    """Where the page's form (not the menu's sign-out) posts: its action, or "" (none:
    the page itself)."""
    forms = [f for f in re.findall(r"<form\b[^>]*>", page) if "/accounts/logout/" not in f]
    assert len(forms) == 1, forms
    found = re.search(r'\baction="([^"]*)"', forms[0])
    return unescape(found.group(1)) if found else ""


def test_an_action_holder_sees_the_risk_of_their_action_and_marks_it_done(
    personas, client, teachers_action
):
    risk = teachers_action.risk
    sign_in(client, personas.teacher)
    page = client.get(risk.get_absolute_url())
    assert page.status_code == 200
    done_url = reverse("risk-action-done", args=[teachers_action.pk])
    assert f'href="{done_url}"' in page.content.decode()

    response = client.post(done_url, {"done_on": ""})
    assert response.status_code == 302 and response["Location"] == risk.get_absolute_url()
    teachers_action.refresh_from_db()
    assert teachers_action.done_on == timezone.localdate()
    assert teachers_action.done_by == personas.teacher


def test_an_action_holder_who_has_left_cannot_see_the_risk_or_complete_the_action(
    personas, client, teachers_action
):
    membership = personas.teacher.memberships.get(school=personas.school)
    end_membership(membership=membership, ended_on=timezone.localdate())
    sign_in(client, personas.teacher)
    assert client.get(teachers_action.risk.get_absolute_url()).status_code == 404
    done_url = reverse("risk-action-done", args=[teachers_action.pk])
    assert client.get(done_url).status_code in (403, 404)
    assert client.post(done_url, {"done_on": ""}).status_code in (403, 404)
    teachers_action.refresh_from_db()
    assert teachers_action.done_on is None and teachers_action.done_by is None
    assert teachers_action.history.count() == 1  # added, never marked


def test_the_mark_as_done_form_posts_to_the_view_that_marks_it_done(
    personas, client, teachers_action
):
    """The page's form must post to the action's own "done" URL: the shared form partial
    once took the action object itself as the form's URL, and a browser got a 404."""
    sign_in(client, personas.teacher)
    done_url = reverse("risk-action-done", args=[teachers_action.pk])
    page = client.get(done_url)
    assert page.status_code == 200
    target = form_target(page.content.decode()) or done_url
    match = resolve(target)
    assert match.func == views.action_done and match.kwargs == {"pk": teachers_action.pk}

    response = client.post(target, {"done_on": ""})
    assert response.status_code == 302
    assert Action.objects.get(pk=teachers_action.pk).done_by == personas.teacher
