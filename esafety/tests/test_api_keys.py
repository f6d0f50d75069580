"""Integrations' keys (esafety/api/): made by the headteacher or IT support and shown once,
kept only as a hash, scoped to one school and to what they were given, stopped by a
revoke or by their maker leaving, rate-limited, and every use logged."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from esafety.api.tokens import make_token
from esafety.models import ApiToken, ApiUse, Membership
from esafety.testing import sign_in

ALERTS = "/api/v1/monitoring-alerts/"


def a_key(personas, by=None, scopes=("monitoring.alerts",)):
    return make_token(
        school=personas.school,
        name="Monitoring",
        scopes=list(scopes),
        by=by or personas.technician,
    )


def send(client, key, payload=None):
    return client.post(
        ALERTS,
        payload if payload is not None else {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(personas, client):
    sign_in(client, personas.technician)
    page = reverse("api-tokens", args=[personas.school.slug])
    made = client.post(page, {"name": "Monitoring alerts", "scopes": ["monitoring.alerts"]})
    assert made.status_code == 302
    shown = client.get(page).content.decode()
    token = ApiToken.objects.get()
    key = shown.split('id="new-key"')[1].split('value="')[1].split('"')[0]
    assert key.startswith("esk_") and key[:10] == token.key_prefix
    assert key not in client.get(page).content.decode()  # never again
    stored = [str(v) for v in ApiToken.objects.values_list(flat=False).get()]
    assert not any(key in value for value in stored)
    assert token.created_by == personas.technician and token.scopes == ["monitoring.alerts"]


def test_a_teacher_may_not_make_keys_and_a_key_may_not_be_given_what_its_maker_lacks(personas):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        a_key(personas, by=personas.teacher)
    with pytest.raises(ValidationError):
        a_key(personas, scopes=["no.such.scope"])


def test_a_revoked_key_stops_at_once_and_says_why(personas, client):
    token, key = a_key(personas)
    assert send(client, key).status_code == 400  # let in: the alert itself is empty
    sign_in(client, personas.headteacher)
    client.post(reverse("api-revoke", args=[personas.school.slug, token.pk]))
    client.logout()
    refused = send(client, key)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert ApiUse.objects.filter(token=token).latest("at").status == 401  # logged too
    assert ApiToken.history.filter(id=token.pk, revoked_at__isnull=False).get().history_user == (
        personas.headteacher
    )


def test_a_key_stops_when_its_maker_leaves_the_school(personas, client):
    _, key = a_key(personas)
    Membership.objects.filter(user=personas.technician).update(
        ended_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    refused = send(client, key)
    assert refused.status_code == 401
    assert "ask the school for a new key" in refused.json()["detail"]


def test_a_session_or_a_wrong_key_is_not_a_key(personas, client):
    sign_in(client, personas.headteacher)
    assert client.post(ALERTS, {}, content_type="application/json").status_code == 401
    assert send(client, "esk_not-a-real-key").status_code == 401
    assert send(client, "").status_code == 401


def test_a_key_without_the_scope_is_refused(personas, client):
    token, key = a_key(personas)
    ApiToken.objects.filter(pk=token.pk).update(scopes=[])
    refused = send(client, key)
    assert refused.status_code == 403
    assert "monitoring.alerts" in refused.json()["detail"]


def test_every_use_is_logged_with_its_answer(personas, client):
    token, key = a_key(personas)
    send(client, key)
    send(client, key, {"pupil": "x"})
    uses = list(ApiUse.objects.filter(token=token).order_by("at").values_list("method", "status"))
    assert uses == [("POST", 400), ("POST", 400)]
    token.refresh_from_db()
    assert token.last_used_at is not None
    sign_in(client, personas.technician)
    page = client.get(reverse("api-uses", args=[personas.school.slug, token.pk]))
    assert page.content.decode().count("/api/v1/monitoring-alerts/") == 2


@override_settings(API_RATE="2/minute")
def test_a_key_is_rate_limited(personas, client):
    _, key = a_key(personas)
    assert [send(client, key).status_code for _ in range(3)] == [400, 400, 429]


def test_the_documentation_lists_each_operation_and_what_to_send(personas, client):
    sign_in(client, personas.technician)
    page = client.get(reverse("api-docs")).content.decode()
    assert "POST /api/v1/monitoring-alerts/" in page
    assert "<code>severity</code>" in page and "<code>critical</code>" in page
    assert "logged against" not in page  # a view's own docstring is not its description
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200


def test_an_integration_can_check_its_key(personas, client):
    _, key = a_key(personas)
    about = client.get("/api/v1/key/", headers={"Authorization": f"Bearer {key}"}).json()
    assert about == {
        "name": "Monitoring",
        "school": "Oakwood Primary",
        "scopes": ["monitoring.alerts"],
    }


def test_the_use_log_is_kept_ninety_days(personas, client, time_machine):
    from esafety.sweeps import run_sweeps

    token, key = a_key(personas)
    time_machine.move_to(datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC))
    send(client, key)
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC))
    send(client, key)
    time_machine.move_to(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC))
    run_sweeps()
    assert [use.at.month for use in ApiUse.objects.filter(token=token)] == [11]


def test_the_school_roll_is_read_in_pages_with_this_schools_roles_only(personas, client):
    from esafety.models import Role
    from esafety.testing import person

    _, key = make_token(
        school=personas.school, name="MDM", scopes=["people.read"], by=personas.headteacher
    )
    both = person(personas.school, Role.PUPIL, name="Amy Twoschools")
    from esafety.testing import MembershipFactory

    MembershipFactory(user=both, school=personas.other_school, role=Role.PUPIL)
    headers = {"Authorization": f"Bearer {key}"}
    pupils = client.get("/api/v1/people/?role=pupil", headers=headers).json()
    assert pupils["count"] == 2
    names = [p["full_name"] for p in pupils["results"]]
    assert names == ["Amy Twoschools", "Poppy Pupil"]
    assert [len(p["roles"]) for p in pupils["results"]] == [1, 1]  # not the other school's
    assert "date_of_birth" not in pupils["results"][0]
    page = client.get("/api/v1/people/?limit=2&offset=2", headers=headers).json()
    assert len(page["results"]) == 2 and page["previous"]
    assert client.get("/api/v1/people/?role=wizard", headers=headers).status_code == 400
    huge = client.get(f"/api/v1/people/?role=pupil&limit={10**21}", headers=headers)
    assert huge.status_code == 200 and huge.json()["count"] == 2  # taken as 500 a page
    assert client.get(f"/api/v1/people/?offset={10**21}", headers=headers).status_code == 400


def test_it_support_cannot_give_a_key_the_roll(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(
            school=personas.school, name="MDM", scopes=["people.read"], by=personas.technician
        )


def test_reading_the_roll_takes_the_same_queries_for_a_small_and_a_large_school(personas, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from esafety.models import Role
    from esafety.testing import person

    _, key = make_token(
        school=personas.school, name="MDM", scopes=["people.read"], by=personas.headteacher
    )
    headers = {"Authorization": f"Bearer {key}"}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/people/", headers=headers).status_code == 200
        return len(captured)

    queries()  # the key's first use of the minute also notes when it was last used
    small = queries()
    for n in range(40):
        person(personas.school, Role.PUPIL, name=f"Pupil {n}")
    assert queries() == small
