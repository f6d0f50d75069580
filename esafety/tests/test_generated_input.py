"""Generated input on every form: never a server error, never a hang.

The forms come from the permission matrix (every app's tests/permissions*.py), so a new
app's forms are covered by adding its rows there. For each URL, a persona allowed to use
it opens the page; the fields of the page's own form (names, choices, file inputs) are
read from its HTML, and hypothesis posts made-up values to them: empty, very long, NUL and
control characters, invalid UTF-8, extreme dates and numbers, wrong choices, other
schools' ids, repeated and missing fields. Pages without a form of their own get made-up
query parameters instead. Any 500, or any request over HANG_SECONDS (a hang detector, not
a speed target), fails. Each example is rolled back, so every one starts from the same data.
"""

import os
import time
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esafety.testing import collect_routes, make_personas, sign_in

HANG_SECONDS = 5
# Per form; CI keeps the default so the whole test takes a minute or two.
EXAMPLES = int(os.environ.get("ESAFETY_GENERATED_EXAMPLES", "12"))
# Pages with no form of their own get fewer made-up query strings.
QUERY_ONLY_EXAMPLES = max(2, EXAMPLES // 4)
# Who opens a page: the first of these the matrix lets use it.
PERSONA_ORDER = (
    "esafety_officer",
    "headteacher",
    "teacher",
    "technician",
    "parent",
    "pupil",
    "trustee",
    "chair",
    "other_school_headteacher",
    "anonymous",
)
# Query parameters views read as well as their forms' fields.
QUERY_NAMES = ("school", "class_name", "document", "page", "q", "next", "status", "sort")

NASTY = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x07\x1b[2J",
    "\u200b",
    "\u202eevil",
    "\u0665",  # ARABIC-INDIC DIGIT FIVE
    "x" * 10_000,
    "a" * 101,
    "b" * 255 + "@example.org",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "-1",
    "0",
    "999999",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "not-a-choice",
    "on",
    "<script>alert(1)</script>",
    "=HYPERLINK()",
)


class FormReader(HTMLParser):
    """Each <form>: method, action, enctype, and its fields with their choices."""

    def __init__(self):
        super().__init__()
        self.forms, self._select = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "multipart": attrs.get("enctype") == "multipart/form-data",
                    "fields": {},
                }
            )
        elif self.forms and tag in ("input", "select", "textarea") and attrs.get("name"):
            kind = attrs.get("type", tag) if tag == "input" else tag
            field = self.forms[-1]["fields"].setdefault(attrs["name"], {"kind": kind, "values": []})
            if kind in ("radio", "checkbox", "hidden") and attrs.get("value"):
                field["values"].append(attrs["value"])
            self._select = field if tag == "select" else None
        elif tag == "option" and self._select is not None and attrs.get("value"):
            self._select["values"].append(attrs["value"])


def own_form(page: str, path: str):
    """The page's own form (posting to itself), or None."""
    reader = FormReader()
    reader.feed(page)
    own = [
        f for f in reader.forms if f["action"] in ("", path) or urlsplit(f["action"]).path == path
    ]
    own.sort(key=lambda f: f["method"] != "post")
    return own[0] if own else None


def persona_for(route):
    wanted = (200,) if route.method == "get" else (200, 302)
    return next((name for name in PERSONA_ORDER if route.expect[name] in wanted), None)


def values(choices, other_ids):
    """One field's value: something nasty, anything at all, raw bytes, or a real choice."""
    options = [st.sampled_from(NASTY), st.text(max_size=300), st.binary(max_size=40)]
    options.append(st.sampled_from(other_ids))
    if choices:
        options.append(st.sampled_from(choices))
    return st.one_of(*options)


def submissions(fields, other_ids):
    """(body fields, query fields): each name missing, once, or repeated."""
    body = st.fixed_dictionaries(
        {
            name: st.lists(values(field["values"], other_ids), max_size=3)
            for name, field in fields.items()
        }
    )
    query = st.dictionaries(
        st.sampled_from(QUERY_NAMES), st.lists(values([], other_ids), max_size=2), max_size=3
    )
    return st.tuples(body, query)


def as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def encode(pairs: dict) -> str:
    return "&".join(
        f"{quote_from_bytes(as_bytes(name))}={quote_from_bytes(as_bytes(v))}"
        for name, items in pairs.items()
        for v in items
    )


def multipart(pairs: dict, fields: dict) -> dict:
    data = {}
    for name, items in pairs.items():
        if fields[name]["kind"] == "file":
            data[name] = [SimpleUploadedFile("upload.csv", as_bytes(v)) for v in items]
        else:
            data[name] = [as_bytes(v).decode("utf-8", "replace") for v in items]
    return data


def send(client, url, form, body, query):
    address = f"{url}?{encode(query)}" if query else url
    if form is None or form["method"] == "get":
        merged = {**query, **body}
        return client.get(f"{url}?{encode(merged)}" if merged else url)
    if form["multipart"]:
        return client.post(address, multipart(body, form["fields"]))
    return client.generic(
        "POST", address, encode(body), content_type="application/x-www-form-urlencoded"
    )


def other_schools_ids(personas):
    other = personas.other_school
    return [str(other.pk), other.slug, str(personas.other_school_teacher.pk), "0", "-5"]


ROUTES = [route for route in collect_routes() if persona_for(route)]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
def test_generated_input_never_gets_a_server_error_or_hangs(route, db):
    personas = make_personas()
    url = reverse(route.name, kwargs=route.kwargs(personas) if route.kwargs else {})
    client = Client(raise_request_exception=False)
    persona = persona_for(route)
    if persona != "anonymous":
        sign_in(client, personas.get(persona))
    form = None
    if route.method == "get":
        page = client.get(url)
        assert page.status_code == 200, f"{persona} can't open {url}"
        if "html" in page.get("Content-Type", ""):
            form = own_form(page.content.decode(), url)
    else:
        form = {"method": "post", "action": "", "multipart": False, "fields": {"next": {}}}
    fields = (
        {name: {"values": [], "kind": "text", **f} for name, f in form["fields"].items()}
        if form
        else {}
    )
    examples = EXAMPLES if form else QUERY_ONLY_EXAMPLES

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(submissions(fields, other_schools_ids(personas)))
    def post_generated(submission):
        body, query = submission
        with transaction.atomic():
            started = time.monotonic()
            response = send(client, url, form, body, query)
            took = time.monotonic() - started
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{response.status_code} from {url} as {persona}"
        assert took < HANG_SECONDS, f"{url} took {took:.1f} s as {persona}"

    post_generated()
