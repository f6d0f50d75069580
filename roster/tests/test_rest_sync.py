"""A OneRoster REST endpoint, with the HTTP boundary stubbed (requests.Session.request)."""

import io
import json
import logging
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from esafety.models import Membership, ParentLink
from roster import rest, services
from roster.models import AuthMethod, Kind, RosterSource, Status, Trigger

pytestmark = pytest.mark.django_db

BASE = "https://mis.example/ims/oneroster/rostering/v1p2"
TOKEN_URL = "https://mis.example/oauth/token"
SECRET = "s3cret-for-tests-only"


def ref(kind, sid):
    return {"href": f"{BASE}/{kind}s/{sid}", "sourcedId": sid, "type": kind}


def user(sid, role, given, family, email="", agents=(), grades=("07",), **extra):
    return {
        "sourcedId": sid,
        "status": "active",
        "enabledUser": True,
        "givenName": given,
        "familyName": family,
        "email": email,
        "identifier": "",
        "roles": [{"roleType": "primary", "role": role, "org": ref("org", "org-001")}],
        "agents": [ref("user", a) for a in agents],
        "grades": list(grades) if role == "student" else [],
        **extra,
    }


USERS = [
    user("stu-001", "student", "Amelia", "Hart", agents=["par-001"]),
    user("stu-002", "student", "Oliver", "Hart", agents=["par-001"]),
    user("stu-003", "student", "Priya", "Nair", grades=("KG",)),
    user("par-001", "parent", "Sarah", "Hart", "sarah.hart@example.com"),
    user("tch-001", "teacher", "Daniel", "Okafor", "d.okafor@hollybrook.example"),
]
CLASSES = [{"sourcedId": "cls-7x", "title": "7X", "classType": "homeroom", "status": "active"}]
ENROLLMENTS = [
    {"sourcedId": "e1", "class": ref("class", "cls-7x"), "user": ref("user", "stu-001"),
     "role": "student", "status": "active"},
]  # fmt: skip


class FakeMis:
    """The MIS: a token endpoint, and collections paged by limit and offset."""

    def __init__(self, users=USERS, token_status=200, users_status=200):
        self.users, self.token_status, self.users_status = users, token_status, users_status
        self.calls = []

    def __call__(self, session, method, url, params=None, data=None, auth=None, **kwargs):
        self.calls.append((method, url, dict(params or {}), kwargs.get("headers", {})))
        if url == TOKEN_URL:
            assert auth == ("client-42", SECRET) and data["grant_type"] == "client_credentials"
            return self.answer(self.token_status, {"access_token": "tok", "expires_in": 3600})
        path = urlsplit(url).path.rsplit("/", 1)[-1]
        items = {"users": self.users, "classes": CLASSES, "enrollments": ENROLLMENTS}[path]
        if path == "users" and self.users_status != 200:
            return self.answer(self.users_status, {"imsx_codeMajor": "failure"})
        query = {**{k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}, **(params or {})}
        limit, offset = int(query.get("limit", 100)), int(query.get("offset", 0))
        return self.answer(200, {path: items[offset : offset + limit]})

    @staticmethod
    def answer(status, body):
        response = requests.Response()
        response.status_code = status
        response.raw = io.BytesIO(json.dumps(body).encode())
        response.headers["Content-Type"] = "application/json"
        return response


@pytest.fixture
def source(personas):
    source = RosterSource(
        school=personas.school,
        kind=Kind.REST,
        version="1.2",
        base_url=BASE,
        token_url=TOKEN_URL,
        client_id="client-42",
        approved_first_run=True,
        max_leavers_percent=100,
    )
    source.set_client_secret(SECRET)
    source.save()
    return source


def run_with(source, mis):
    with mock.patch.object(requests.Session, "request", autospec=True, side_effect=mis):
        return services.sync_rest(source=source, trigger=Trigger.MANUAL)


def test_the_secret_is_stored_encrypted_and_kept_out_of_history(source):
    assert SECRET not in source.client_secret_encrypted
    assert source.client_secret == SECRET
    history = source.history.first()
    assert not hasattr(history, "client_secret_encrypted")


def test_a_full_pull_follows_limit_and_offset_to_the_last_page(personas, source, caplog):
    mis = FakeMis()
    with mock.patch.object(rest, "PAGE_SIZE", 2), caplog.at_level(logging.DEBUG):
        run = run_with(source, mis)
    assert run.status == Status.APPLIED, run.reason
    user_pages = [params for _, url, params, _ in mis.calls if url.endswith("/users")]
    assert [p["offset"] for p in user_pages] == [0, 2, 4]
    assert all(h["Authorization"] == "Bearer tok" for _, _, _, h in mis.calls[1:])
    assert run.joined == 5
    assert Membership.objects.get(external_id="stu-003").year_group == 0  # KG: Reception
    assert Membership.objects.get(external_id="stu-001").class_name == "7X"
    assert ParentLink.objects.filter(parent__email="sarah.hart@example.com").count() == 2
    assert SECRET not in caplog.text


def test_a_link_header_is_followed_where_the_server_gives_one(source):
    class LinkedMis(FakeMis):
        def __call__(self, session, method, url, params=None, **kwargs):
            response = super().__call__(session, method, url, params=params, **kwargs)
            query = parse_qs(urlsplit(url).query)
            offset = int(query.get("offset", ["0"])[0])
            if url.split("?")[0].endswith("/users") and offset + 2 < len(USERS):
                response.headers["Link"] = f'<{BASE}/users?limit=2&offset={offset + 2}>; rel="next"'
            return response

    mis = LinkedMis()
    with mock.patch.object(rest, "PAGE_SIZE", 2):
        run = run_with(source, mis)
    assert run.joined == 5
    pages = [url for _, url, _, _ in mis.calls if "/users" in url]
    assert pages[1:] == [f"{BASE}/users?limit=2&offset=2", f"{BASE}/users?limit=2&offset=4"]


def test_a_refused_sign_in_gives_a_clear_message_and_changes_nothing(personas, source):
    before = Membership.objects.count()
    run = run_with(source, FakeMis(token_status=401))
    assert run.status == Status.FAILED
    assert "refused the sign-in" in run.reason and "client ID and secret" in run.reason
    assert SECRET not in run.reason
    assert Membership.objects.count() == before


def test_a_refused_request_for_people_gives_a_clear_message(source):
    run = run_with(source, FakeMis(users_status=403))
    assert run.status == Status.FAILED and "HTTP 403" in run.reason


def test_an_unreachable_mis_gives_a_clear_message(source):
    def down(*args, **kwargs):
        raise requests.ConnectionError("Name or service not known")

    run = run_with(source, down)
    assert run.status == Status.FAILED
    assert "mis.example couldn't be reached" in run.reason


def test_an_answer_that_is_not_oneroster_is_refused(source):
    def web_page(session, method, url, **kwargs):
        response = FakeMis.answer(200, {"access_token": "tok"})
        if url == TOKEN_URL:
            return response
        response.raw = io.BytesIO(b"<html>Welcome</html>")
        return response

    run = run_with(source, web_page)
    assert run.status == Status.FAILED and "isn't OneRoster data" in run.reason


def test_oauth1_requests_are_signed_with_hmac_sha256(source):
    source.auth_method = AuthMethod.OAUTH1
    source.save()
    mis = FakeMis()
    run = run_with(source, mis)
    assert run.status == Status.APPLIED
    assert not any(url == TOKEN_URL for _, url, _, _ in mis.calls)
    header = mis.calls[0][3]["Authorization"]
    assert header.startswith("OAuth ") and 'oauth_signature_method="HMAC-SHA256"' in header
    assert 'oauth_consumer_key="client-42"' in header and SECRET not in header


def test_the_nightly_task_syncs_each_connected_school(personas, source):
    from roster.tasks import sync_all_schools

    RosterSource.objects.create(school=personas.other_school, kind=Kind.BUNDLE)
    with mock.patch.object(requests.Session, "request", autospec=True, side_effect=FakeMis()):
        assert sync_all_schools() == 1
    run = source.runs.get()
    assert (run.trigger, run.status) == (Trigger.NIGHTLY, Status.APPLIED)


def test_a_nightly_sync_that_stops_tells_the_schools_leaders(personas, source, any_leaver_counts):
    from esafety.models import Notification

    source.max_leavers_percent = 5
    source.save()
    with mock.patch.object(requests.Session, "request", autospec=True, side_effect=FakeMis()):
        services.sync_rest(source=source, trigger=Trigger.NIGHTLY)
    # Priya is gone: 1 of the school's 8 pupils, staff and parents (12.5%) would leave.
    fewer = FakeMis(users=[u for u in USERS if u["sourcedId"] != "stu-003"])
    with mock.patch.object(requests.Session, "request", autospec=True, side_effect=fewer):
        run = services.sync_rest(source=source, trigger=Trigger.NIGHTLY)
    assert run.status == Status.HELD
    told = Notification.objects.filter(link=f"/mis-sync/runs/{run.pk}/")
    assert {n.recipient for n in told} == {personas.headteacher, personas.esafety_officer}
    assert all("Sarah" not in n.title and "Okafor" not in n.title for n in told)


# --- only addresses on the internet --------------------------------------------------------


@pytest.mark.parametrize(
    "addresses",
    [
        ["169.254.169.254"],  # a cloud's metadata service, as 169.254.169.254.nip.io gives
        ["10.0.0.7"],
        ["127.0.0.1"],
        ["::1"],
        ["::ffff:192.168.1.20"],
        ["93.184.215.14", "172.16.0.3"],  # one public address is not enough
    ],
)
def test_a_host_that_resolves_to_a_private_network_is_never_called(source, dns, addresses):
    dns["mis.example"] = addresses
    mis = FakeMis()
    run = run_with(source, mis)
    assert run.status == Status.FAILED
    assert "private or local network" in run.reason and "mis.example" in run.reason
    assert mis.calls == []


def test_a_host_that_is_private_when_the_next_page_is_asked_for_stops_the_sync(source, dns):
    class Rebinding(FakeMis):
        def __call__(self, *args, **kwargs):
            dns["mis.example"] = ["169.254.169.254"]  # after the first answer
            return super().__call__(*args, **kwargs)

    mis = Rebinding()
    run = run_with(source, mis)
    assert run.status == Status.FAILED and "private or local network" in run.reason
    assert len(mis.calls) == 1


def test_redirects_are_not_followed(source):
    seen = []

    def redirecting(session, method, url, **kwargs):
        seen.append(kwargs.get("allow_redirects"))
        if url == TOKEN_URL:
            return FakeMis.answer(200, {"access_token": "tok"})
        response = FakeMis.answer(302, {})
        response.headers["Location"] = "http://10.0.0.7/admin"
        return response

    run = run_with(source, redirecting)
    assert run.status == Status.FAILED
    assert "HTTP 302" in run.reason and "doesn't follow" in run.reason
    assert "10.0.0.7" not in run.reason
    assert seen == [False, False]


def test_every_request_refuses_redirects(source):
    mis = FakeMis()
    calls = []

    def recording(session, method, url, **kwargs):
        calls.append(kwargs.get("allow_redirects"))
        return mis(session, method, url, **kwargs)

    run = run_with(source, recording)
    assert run.status == Status.APPLIED and calls and set(calls) == {False}


@pytest.mark.parametrize(
    "following",
    [
        "https://elsewhere.example/users?offset=2",
        "http://mis.example/ims/oneroster/rostering/v1p2/users?offset=2",
        "https://mis.example:8443/ims/oneroster/rostering/v1p2/users?offset=2",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_next_page_elsewhere_is_never_sent_the_token(source, dns, following):
    dns["elsewhere.example"] = ["93.184.215.15"]

    class Elsewhere(FakeMis):
        def __call__(self, session, method, url, params=None, **kwargs):
            response = super().__call__(session, method, url, params=params, **kwargs)
            if url.endswith("/users"):
                response.headers["Link"] = f'<{following}>; rel="next"'
            return response

    mis = Elsewhere()
    with mock.patch.object(rest, "PAGE_SIZE", 2):
        run = run_with(source, mis)
    assert run.status == Status.FAILED and "different address" in run.reason
    assert following not in run.reason
    assert [url for _, url, _, _ in mis.calls] == [TOKEN_URL, f"{BASE}/users"]


def test_the_settings_refuse_a_name_that_resolves_to_a_private_address(dns):
    from django import forms

    from roster.forms import check_mis_address

    dns["169.254.169.254.nip.io"] = ["169.254.169.254"]
    with pytest.raises(forms.ValidationError):
        check_mis_address("https://169.254.169.254.nip.io/ims/oneroster/rostering/v1p2")
    check_mis_address(BASE)


def test_an_answer_larger_than_the_cap_is_refused_unread(source):
    mis = FakeMis(users=[user(f"stu-{n:03d}", "student", "Amelia", "Hart") for n in range(60)])
    with mock.patch.object(rest, "MAX_BODY_BYTES", 10_000):
        run = run_with(source, mis)
    assert run.status == Status.FAILED
    assert "sent an answer of more than" in run.reason and "Amelia" not in run.reason


def test_a_declared_length_over_the_cap_is_refused_before_reading(source):
    def huge(session, method, url, **kwargs):
        response = FakeMis.answer(200, {"access_token": "tok"})
        if url != TOKEN_URL:
            response.headers["Content-Length"] = str(rest.MAX_BODY_BYTES + 1)
            response.raw = mock.Mock(read=mock.Mock(side_effect=AssertionError("read")))
        return response

    run = run_with(source, huge)
    assert run.status == Status.FAILED and "20 MB" in run.reason
