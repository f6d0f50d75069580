"""Generated input on every form: never a server error, never a hang.

The forms come from the permission matrix (every app's tests/permissions*.py), so a new
app's forms are covered by adding its rows there. For each URL, a persona allowed to use
it opens the page and its own form is read from the HTML (field names, kinds, choices and
the values the page fills in). Then, on top of what a person would send:

- the query parameters views read get NUL bytes, very long, negative and year-1 values,
  and digits that are not ASCII (superscripts, fullwidth, Arabic-Indic: `str.isdigit()`
  is true for "²", which `int()` refuses);
- each field in turn, and each named submit button's value, gets every troublesome value
  of its kind (empty, NUL, control, format and bidi characters, invalid UTF-8, a lone
  zero-width space, over-long text and emails, year 1 and 9999, huge numbers and the
  digits of every script, wrong choices, another school's and another trust's ids,
  broken files, and files as spreadsheets save them: a BOM, Windows-1252, UTF-16,
  CR-only line ends, a bare CR in a cell, a cell too large for csv, formulas);
- a one-line text field given a value every form refuses (a bidi override, a control
  character, text that was not UTF-8) must not be accepted (a redirect after the post);
- hypothesis changes several fields at once with anything at all (any text, invalid
  UTF-8 bytes, repeated or missing fields).

Any 500, or any request over HANG_SECONDS of CPU (a hang detector, not a speed
target), fails.
Each request is rolled back, so every one starts from the same data.
"""

import os
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esafety.testing import collect_routes, make_personas, sign_in

# A hang detector, not a speed target: over 5 s of this process's CPU for one request
# (a forged formset count took ~10 s). CPU time, because on a busy CI machine a plain
# request can wait several seconds for a CPU; the wall-clock limit catches waiting for ever.
HANG_SECONDS = 5
STUCK_SECONDS = 60
# Per form; CI keeps the default so the whole test takes a minute or two.
EXAMPLES = int(os.environ.get("ESAFETY_GENERATED_EXAMPLES", "6"))
# A file to add one line per request to ("status method path"), for counting what was sent.
REQUEST_LOG = os.environ.get("ESAFETY_GENERATED_LOG", "")
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
LATER_FORMS_OF_A_FORMSET = re.compile(r"-[1-9][0-9]*-")

# Digits `int()` or `str.isdigit()` read differently from a person: superscripts,
# fullwidth, Arabic-Indic, Devanagari, circled, mathematical; signs, spaces, underscores.
ODD_NUMBERS = (
    "\u00b2",
    "1\u00b2",
    "\uff13",
    "\u0663",
    "\u0967",
    "\u2460",
    "\U0001d7d9",
    " 7 ",
    "+7",
    "1_0",
    "",
)
# Values a one-line field of every form refuses: a page that stores them has no checks.
REFUSED_TEXT = ("Name \u202egnp.exe", "\u2066Name", "Na\x07me", "Name \ufffd")
# Values that broke forms before (issues 9 and 25), by the kind of input they go into.
TEXT = ("", "a\x00b", "\x01\x1b[2J", "\u200b", "a" * 101, "x" * 10_000, "\u202eabc", "y" * 100_001)
NASTY_BY_KIND = {
    "text": (*TEXT, "b" * 255 + "@example.org"),
    "date": ("0001-01-01", "9999-12-31", "10000-01-01", "\u0662\u0660\u0662\u0666-01-01"),
    "datetime-local": ("0001-01-01T00:00", "9999-12-31T23:59"),
    "number": ("-1", "99999999999999999999", "\u0665", *ODD_NUMBERS),
    "choice": ("not-a-choice", "99999999999999999999", "a\x00b", *ODD_NUMBERS),
    "hidden": ("-1", "999999", "\x00", "x" * 10_000, *ODD_NUMBERS),
    "button": ("abc", "-1", "99999999999999999999", *ODD_NUMBERS),
    "file": (
        *(b"", b"\xff\xfe\x00bad", b"record_type,mis_id\n\x81\x8d,\x00\n"),
        # What spreadsheets save, and what they would run: a BOM, Windows-1252, UTF-16,
        # CR-only line ends, a bare CR in a cell, a cell over csv's 131,072-character
        # limit, formulas.
        b"\xef\xbb\xbfasset_tag,type,record_type\nA1,laptop,staff\n",
        "asset_tag,type,first_name\nA1,laptop,Zo\u00eb\n".encode("cp1252"),
        "asset_tag,type,record_type\nA1,laptop,staff\n".encode("utf-16"),
        b"asset_tag,type,record_type\rA1,laptop,staff\r",
        b'asset_tag,type,first_name\nA1,laptop,"Zo\re"\n',
        b'asset_tag,type,first_name\nA1,laptop,"' + b"x" * 140_000 + b'"\n',
        b'asset_tag,type,first_name\n=HYPERLINK("http://x"),+SUM(A1),@cmd\n',
    ),
}
KIND_GROUPS = {"select": "choice", "radio": "choice", "checkbox": "choice"}
# For required fields left blank on the page: something valid of the right kind.
PLAIN_BY_KIND = {
    "date": "2026-01-15",
    "datetime-local": "2026-01-15T10:00",
    "number": "1",
    "email": "someone@school.example",
    "file": b"record_type,mis_id,first_name,last_name\n",
}
# Query parameters views read as well as their forms' fields.
QUERY_NAMES = (
    *("school", "class_name", "document", "page", "q", "next", "status", "sort", "cell"),
    *("incident", "confiscation", "risk", "pupil", "owner", "entry", "person", "device"),
)
QUERY_NASTY = ("\x00", "x" * 10_000, "-1", "abc", "inherent-\u00b2-1", *ODD_NUMBERS)


def kind_group(kind: str) -> str:
    if kind in NASTY_BY_KIND:
        return kind
    return KIND_GROUPS.get(kind, "text")


class FormReader(HTMLParser):
    """Each <form>: method, action, enctype, and its fields: kind, choices, and the value
    the page fills in (a selected option, a checked box, a textarea's text)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

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
        elif self.forms and tag == "button" and attrs.get("name"):
            # A named submit button sends its value (e.g. which closure day to remove).
            self.forms[-1]["fields"].setdefault(
                attrs["name"], {"kind": "button", "choices": [], "value": []}
            )
        elif self.forms and tag in ("input", "select", "textarea") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            if kind in ("submit", "button", "reset"):
                return
            field = self.forms[-1]["fields"].setdefault(
                attrs["name"], {"kind": kind, "choices": [], "value": []}
            )
            value = attrs.get("value") or ""
            if kind in ("radio", "checkbox"):
                field["choices"].append(value)
                if "checked" in attrs:
                    field["value"].append(value)
            elif tag == "input" and value:
                field["value"].append(value)
            self._select = field if tag == "select" else None
            self._textarea = field if tag == "textarea" else None
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if value:
                self._select["choices"].append(value)
            if value and "selected" in attrs:
                self._select["value"].append(value)

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea["value"].append(data.strip())

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def own_form(page: str, path: str):
    """The page's own form (posting to itself), or None."""
    reader = FormReader()
    reader.feed(page)
    own = [
        f for f in reader.forms if f["action"] in ("", path) or urlsplit(f["action"]).path == path
    ]
    own.sort(key=lambda f: f["method"] != "post")
    return own[0] if own else None


def baseline(fields: dict) -> dict:
    """What a person would send: the page's values, and something plain where it has none."""
    sent = {}
    for name, field in fields.items():
        if field["value"]:
            sent[name] = list(field["value"])
        elif field["kind"] == "checkbox":
            continue
        elif field["choices"]:
            sent[name] = [field["choices"][0]]
        elif field["kind"] not in ("hidden", "button"):
            sent[name] = [PLAIN_BY_KIND.get(field["kind"], "Test value")]
    return sent


def sweep(fields: dict, other_ids: list):
    """One field at a time on the baseline: every nasty value of that field's kind."""
    for name, field in fields.items():
        if LATER_FORMS_OF_A_FORMSET.search(name):
            continue  # the same fields as the first form's
        group = kind_group(field["kind"])
        nasty = NASTY_BY_KIND[group] + (tuple(other_ids) if group == "choice" else ())
        for value in nasty:
            yield {name: [value]}


def one_line_fields(fields: dict):
    """Fields a person types one line into (not search boxes: those are read, not kept)."""
    return [
        name
        for name, field in fields.items()
        if field["kind"] == "text"
        and not LATER_FORMS_OF_A_FORMSET.search(name)
        and name not in ("q", "search", "typed_name_check")
    ]


def persona_for(route):
    wanted = (200,) if route.method == "get" and not route.leads_to_form else (200, 302)
    return next((name for name in PERSONA_ORDER if route.expect[name] in wanted), None)


ANY_NASTY = tuple(v for values in NASTY_BY_KIND.values() for v in values)


def values(field, other_ids):
    """One field's value: something nasty, anything at all, raw bytes, or a real choice."""
    options = [st.sampled_from(ANY_NASTY), st.text(max_size=300), st.binary(max_size=40)]
    options.append(st.sampled_from(other_ids))
    if field["choices"]:
        options.append(st.sampled_from(field["choices"]))
    return st.one_of(*options)


def mutations(fields, other_ids):
    """Any of the fields changed at once; an empty list leaves the field out."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(values(field, other_ids), max_size=3) for name, field in fields.items()
        },
    )


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
        if fields.get(name, {}).get("kind") == "file":
            data[name] = [SimpleUploadedFile("upload.csv", as_bytes(v)) for v in items]
        else:
            data[name] = [as_bytes(v).decode("utf-8", "replace") for v in items]
    return data


def with_query(url: str, query: str) -> str:
    """`url` with more of a query string (it may already hold the route's own)."""
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def send(client, url, form, body, query=None):
    address = with_query(url, encode(query or {}))
    if form is None or form["method"] == "get":
        response = client.get(with_query(url, encode({**(query or {}), **body})))
    elif form["multipart"]:
        response = client.post(address, multipart(body, form["fields"]))
    else:
        response = client.generic(
            "POST", address, encode(body), content_type="application/x-www-form-urlencoded"
        )
    if REQUEST_LOG:
        with open(REQUEST_LOG, "a") as log:
            log.write(f"{response.status_code} {response.request['REQUEST_METHOD']} {url}\n")
    return response


def other_schools_ids(personas):
    """Ids of another school of the trust and of a school of another trust, and people."""
    from esafety.models import Role
    from esafety.testing import SchoolFactory, person

    far = SchoolFactory(name="Another Trust Academy")
    far_head = person(far, Role.HEADTEACHER, name="Farah Faraway")
    return [
        str(personas.other_school.pk),
        str(personas.other_school_teacher.pk),
        str(far.pk),
        str(far_head.pk),
    ]


ROUTES = [route for route in collect_routes() if persona_for(route)]


def open_form(client, route, url, persona):
    """The form to fill in (the page's own, or an empty one for a URL that only takes POST)
    and the address it posts to."""
    if route.method != "get":
        return {"method": "post", "action": "", "multipart": False, "fields": {}}, url
    page = client.get(url, follow=route.leads_to_form)
    assert page.status_code == 200, f"{persona} can't open {url}"
    if "html" not in page.get("Content-Type", ""):
        return None, url
    if getattr(page, "redirect_chain", None):  # the form is where the link led
        url = page.redirect_chain[-1][0]
    return own_form(page.content.decode(), url), url


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
def test_generated_input_never_gets_a_server_error_or_hangs(route, db):
    personas = make_personas()
    url = reverse(route.name, kwargs=route.kwargs(personas) if route.kwargs else {})
    if route.method == "get" and route.data:  # a search the page needs, e.g. which school
        url = with_query(url, urlencode(route.data(personas)))
    client = Client(raise_request_exception=False)
    persona = persona_for(route)
    if persona != "anonymous":
        sign_in(client, personas.get(persona))
    form, url = open_form(client, route, url, persona)
    fields = form["fields"] if form else {}
    plain = baseline(fields)
    other_ids = other_schools_ids(personas)

    def check_refused(body, name):
        with transaction.atomic():
            response = send(client, url, form, body)
            transaction.set_rollback(True)
        sent = repr(body[name])[:80]
        assert response.status_code < 500, f"{response.status_code} from {url}: {name}={sent}"
        assert response.status_code != 302, f"{url} accepted {name}={sent} as {persona}"

    def check(body, query=None):
        with transaction.atomic():
            started, cpu_started = time.monotonic(), time.thread_time()
            response = send(client, url, form, body, query)
            took, cpu = time.monotonic() - started, time.thread_time() - cpu_started
            transaction.set_rollback(True)
        sent = repr({**(query or {}), **body})[:300]
        assert response.status_code < 500, f"{response.status_code} from {url} as {persona}: {sent}"
        assert cpu < HANG_SECONDS, f"{url} took {cpu:.1f} s of CPU as {persona}: {sent}"
        assert took < STUCK_SECONDS, f"{url} took {took:.1f} s as {persona}: {sent}"

    for value in QUERY_NASTY:
        check(plain, {name: [value] for name in QUERY_NAMES})
    for change in sweep(fields, other_ids):
        check({**plain, **change})
    if form is not None and form["method"] == "post":
        for name in one_line_fields(fields):
            for value in REFUSED_TEXT:
                check_refused({**plain, name: [value]}, name)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutations(fields, other_ids))
    def post_generated(change):
        check({**plain, **change})

    post_generated()
