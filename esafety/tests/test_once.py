"""The one-time token of a form that makes a record (esafety/once.py): claimed by the first
submit that is saved, given back whenever nothing was made, so the corrected form can be
sent with the same token."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory

from esafety.once import first_time
from esafety.testing import UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "a-form-token-for-these-tests"


def posted(user, token=TOKEN):
    request = RequestFactory().post("/somewhere/", {"once": token})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def send(user, do):
    return first_time(posted(user), do, while_saving="/saving/", repeated="Sent twice.")


def test_a_form_shown_again_after_the_service_refused_it_gives_the_token_back():
    """The view caught the service's refusal and showed the form with its error: nothing
    was made, so the next submit with the token is done, not taken for a repeat."""
    user, done = UserFactory(), []
    assert (
        send(user, lambda: HttpResponse("the form, with an error", status=400)).status_code == 400
    )
    response = send(user, lambda: done.append(1) or redirect("/made/"))
    assert response.url == "/made/" and done == [1]


@pytest.mark.parametrize("refusal", [ValidationError("No."), PermissionDenied()])
def test_a_refusal_raised_through_the_view_gives_the_token_back(refusal):
    user, done = UserFactory(), []

    def refuse():
        raise refusal

    with pytest.raises(type(refusal)):
        send(user, refuse)
    response = send(user, lambda: done.append(1) or redirect("/made/"))
    assert response.url == "/made/" and done == [1]


def test_a_saved_form_sent_again_is_sent_where_the_first_went():
    user, done = UserFactory(), []
    send(user, lambda: done.append(1) or redirect("/made/1/"))
    response = send(user, lambda: done.append(2) or redirect("/made/2/"))
    assert response.url == "/made/1/" and done == [1]


def test_one_persons_token_is_not_anothers():
    done = []
    send(UserFactory(), lambda: redirect("/made/1/"))
    response = send(UserFactory(), lambda: done.append(2) or redirect("/made/2/"))
    assert response.url == "/made/2/" and done == [2]
