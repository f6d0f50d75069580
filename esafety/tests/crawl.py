"""Walk the site as each demo login would, for the dead-link and form-action tests.

From each person's home page, breadth first, every same-site link (`<a href>`) is opened
with GET, and every form's submit target is checked: a GET form is opened with the values
it shows; a POST form is sent as a person pressing its button would send it (the values the
page fills in, the button's own name and value) inside a savepoint that is rolled back, so
nothing it does is kept and the next page sees the data as it was.

What a person may not follow is recorded: a link or a submit target that answers 403, 404,
405 or a server error, an address that is no page of the site, a link that sends a
signed-in person to sign in. Separately, every form's `action` (and every button's
`formaction`) must be empty (the page itself) or an address of the site.

To keep the walk quick, each URL pattern is opened at most a few times per person; the
records the data set adds for the walk (a lost device, a register signed this year, a
closed incident...) are opened whenever a page links to them, and a test checks that the
person who met each dead end reached its page.
"""

import datetime
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from unittest import mock
from urllib.parse import urlencode, urljoin, urlsplit

from django.contrib import messages as django_messages
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from esafety import once, pdf
from esafety.testing import sign_in

# The demo logins (`seed_demo`), each walked from their own home page; Brookfield's
# teaching assistant and office staff hold the teacher's role there (one walk for the three).
DEMO_LOGINS = (
    "chair@riverside.example",
    "trustee@riverside.example",
    "head@brookfield.example",  # headteacher and e-safety officer
    "teacher@brookfield.example",
    "technician@riverside.example",
    "head@hillside.example",
    "esafety@hillside.example",
    "teacher@hillside.example",
    "volunteer@hillside.example",
    "parent@brookfield.example",
    "parent@hillside.example",
    "pupil@brookfield.example",
    "pupil@hillside.example",
)

VISITS_PER_PATTERN = 2  # pages opened per URL pattern and person
DOWNLOADS_PER_PATTERN = 1  # PDFs and CSVs (their status is all the walk reads)
POSTS_PER_PATTERN = 1  # forms sent per target pattern (and set of fields) and person
NOT_FOLLOWED = {"logout"}  # it would end the walk
NOT_FETCHED = ("/static/", "/admin/")  # served by whitenoise; Django's own admin
REFUSED = {403, 404, 405}


@dataclass(frozen=True, order=True)
class Finding:
    """One link, form target or form action a person is shown that does not work."""

    app: str  # the app whose URL the target is (or the page's, if it resolves to none)
    persona: str
    url_name: str  # the target's URL name ("" if none); for "action", the page's
    check: str  # "link", "get-form", "post-form" or "action"
    page: str  # where the person saw it
    target: str
    status: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.persona, self.url_name)

    def line(self) -> str:
        method = "POST" if self.check == "post-form" else "GET"
        what = "form action" if self.check == "action" else f"{self.check} {method}"
        return (
            f"  {self.persona}: on {self.page}\n"
            f"      {what} {self.target} [{self.url_name or '-'}] -> {self.status}"
        )


def report(findings, title: str) -> str:
    """The findings grouped by app, then person: readable in a failed test's output."""
    by_app = defaultdict(list)
    for finding in sorted(set(findings)):
        by_app[finding.app].append(finding)
    lines = [f"{title}: {len(set(findings))}"]
    for app, items in sorted(by_app.items()):
        lines.append(f"\n[{app}]")
        lines.extend(item.line() for item in items)
    return "\n".join(lines)


# --- reading a page -----------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str | None  # None: no action attribute
    fields: list = field(default_factory=list)  # (name, value) a browser would send
    buttons: list = field(default_factory=list)  # dicts: name, value, formaction, formmethod


class PageReader(HTMLParser):
    """The links and forms of a page, with the values a browser would send for each form
    (checked boxes, selected options, textareas' text; disabled and file fields left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._open: Form | None = None
        self._select = None  # [form, name, multiple, options, selected]
        self._option = None  # [value or None, text, selected]
        self._textarea = None  # [form, name, text]

    def _owner(self, attrs) -> Form | None:
        if attrs.get("form"):
            return self._by_id.get(attrs["form"])
        return self._open

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "area") and attrs.get("href") is not None:
            self.links.append(attrs["href"].strip())
        elif tag == "form":
            self._open = Form(
                method=(attrs.get("method") or "get").lower(), action=attrs.get("action")
            )
            self.forms.append(self._open)
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._open
        elif tag in ("input", "button", "select", "textarea", "option"):
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        if tag == "option" and self._select is not None:
            self._end_option()
            self._option = [attrs.get("value"), "", "selected" in attrs]
            return
        form = self._owner(attrs)
        if form is None or "disabled" in attrs:
            return
        name = attrs.get("name") or ""
        kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag == "button" or (tag == "input" and kind in ("submit", "image")):
            if kind in ("submit", "image"):
                form.buttons.append(
                    {
                        "name": name,
                        "value": attrs.get("value") or "",
                        "formaction": attrs.get("formaction"),
                        "formmethod": (attrs.get("formmethod") or "").lower(),
                    }
                )
        elif tag == "select":
            self._select = [form, name, "multiple" in attrs, [], []]
        elif tag == "textarea":
            self._textarea = [form, name, ""]
        elif not name or kind in ("file", "reset", "button"):
            return
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                form.fields.append((name, attrs.get("value") or "on"))
        else:
            form.fields.append((name, attrs.get("value") or ""))

    def _end_option(self):
        if self._option is not None and self._select is not None:
            value, text, selected = self._option
            option = value if value is not None else text.strip()
            self._select[3].append(option)
            if selected:
                self._select[4].append(option)
        self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            form, name, multiple, options, selected = self._select
            chosen = selected if multiple else (selected[-1:] or options[:1])
            if name:
                form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            form, name, text = self._textarea
            if name:
                form.fields.append((name, text.removeprefix("\n")))
            self._textarea = None


def submissions(form: Form):
    """(method, action or None, data) for each way of sending the form: one per submit
    button (its name and value sent, its formaction and formmethod used), or one if none."""
    for button in form.buttons or [None]:
        data = list(form.fields)
        if button and button["name"]:
            data.append((button["name"], button["value"]))
        action = button["formaction"] if button and button["formaction"] is not None else None
        method = (button and button["formmethod"]) or form.method
        yield method, action if action is not None else form.action, data


# --- walking ------------------------------------------------------------------------------


class _RolledBack(Exception):
    pass


def _as_dict(pairs) -> dict:
    data = defaultdict(list)
    for name, value in pairs:
        data[name].append(value)
    return dict(data)


def _site_path(page: str, href: str | None) -> str | None:
    """The path and query `href` leads to from `page`, or None if it leaves the site."""
    if href is None or href == "" or href.startswith("#"):
        return page
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "blob:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{page}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_download(url_name: str, path: str) -> bool:
    words = set(url_name.split("-"))
    return bool(words & {"pdf", "csv", "export"}) or path.endswith((".pdf", ".csv"))


def _exception(response) -> str:
    info = getattr(response, "exc_info", None)
    if info and info[1] is not None:
        return f" {type(info[1]).__name__}: {str(info[1])[:160]}"
    return ""


def _finish(response) -> None:
    """Read a download to its end, as a browser would. (The test client closes a streamed
    response when it is read; closing it by hand would close the test's database
    connection, in the middle of its transaction.)"""
    if response.streaming:
        b"".join(response.streaming_content)


class Walk:
    def __init__(self, user, persona: str, must_open=()):
        self.persona = persona
        self.must_open = set(must_open)  # pages opened whenever linked to, whatever the caps
        self.client = sign_in(Client(raise_request_exception=False), user)
        self.findings: list[Finding] = []
        self.visits: Counter = Counter()
        self.posts: Counter = Counter()
        self.seen: set = set()
        self.opened: set[str] = set()  # the pages (paths) it opened with a 200
        self.with_forms: set[str] = set()  # the pages whose forms' actions it checked
        self.requests = 0

    def found(self, check, page, target, url_name, app, status):
        self.findings.append(
            Finding(
                app=app,
                persona=self.persona,
                url_name=url_name,
                check=check,
                page=page,
                target=target,
                status=str(status),
            )
        )

    def resolve(self, path):
        try:
            return resolve(urlsplit(path).path)
        except Resolver404:
            return None

    def page_app(self, page) -> str:
        match = self.resolve(page)
        return match.func.__module__.split(".")[0] if match else "?"

    def run(self, start="/"):
        queue = deque([(start, start, "link")])
        while queue:
            path, page, check = queue.popleft()
            if path in self.seen or path.startswith(NOT_FETCHED):
                continue
            self.seen.add(path)
            match = self.resolve(path)
            if match is None:
                self.found(check, page, path, "", self.page_app(page), "no page of the site")
                continue
            name, app = match.view_name, match.func.__module__.split(".")[0]
            if name in NOT_FOLLOWED:
                continue
            self.visits[name] += 1
            cap = DOWNLOADS_PER_PATTERN if _is_download(name, path) else VISITS_PER_PATTERN
            if self.visits[name] > cap and path not in self.must_open:
                continue
            started = time.monotonic()
            response = self.client.get(path)
            SECONDS[f"GET {name}"] += time.monotonic() - started
            self.requests += 1
            status = response.status_code
            if status in REFUSED or status >= 500:
                self.found(check, page, path, name, app, f"{status}{_exception(response)}")
            elif status in (301, 302, 303, 307, 308):
                location = _site_path(path, response["Location"])
                if location and urlsplit(location).path == "/accounts/login/":
                    self.found(check, page, path, name, app, f"{status} to sign in")
                elif location:
                    queue.append((location, page, check))
            elif status == 200:
                self.opened.add(path)
                if "html" in response.get("Content-Type", ""):
                    self.read(path, response.content.decode(), queue)
            _finish(response)

    def read(self, page, html, queue):
        reader = PageReader()
        reader.feed(html)
        reader.close()
        for href in reader.links:
            target = _site_path(page, href)
            if target is not None:
                queue.append((target, page, "link"))
        if reader.forms:
            self.with_forms.add(page)
        for form in reader.forms:
            for method, action, data in submissions(form):
                self.check_action(page, action)
                target = _site_path(page, action)
                if target is None or method not in ("get", "post"):
                    continue
                if method == "get":
                    base = urlsplit(target).path
                    query = urlencode(data)
                    queue.append((f"{base}?{query}" if query else base, page, "get-form"))
                else:
                    self.post(page, target, data)

    def check_action(self, page, action):
        """A form's action is the page itself (empty) or an address of the site."""
        if action is None or action == "" or action.startswith("#"):
            return  # the page itself
        target = _site_path(page, action)
        if target is None and action.startswith(("http://", "https://")):
            return  # another site's address, on purpose
        if target is None or not action.startswith(("/", "?", "http://", "https://")):
            wrong = "not an address on this site"
        elif self.resolve(target) is None:
            wrong = "no page of the site"
        else:
            return
        match = self.resolve(page)
        name = match.view_name if match else ""
        self.found("action", page, action, name, self.page_app(page), wrong)

    def post(self, page, target, data):
        match = self.resolve(target)
        if match is None:
            self.found("post-form", page, target, "", self.page_app(page), "no page of the site")
            return
        name, app = match.view_name, match.func.__module__.split(".")[0]
        key = (name, tuple(sorted({n for n, _ in data})))  # a route, sent with these fields
        if name in NOT_FOLLOWED or (target, key) in self.seen:
            return
        self.seen.add((target, key))
        self.posts[key] += 1
        if self.posts[key] > POSTS_PER_PATTERN:
            return
        cookies = self.client.cookies
        self.client.cookies = type(cookies)(cookies)
        noted = _DoOnceNotes()
        started = time.monotonic()
        try:
            with transaction.atomic(), mock.patch.object(once, "messages", noted):
                response = self.client.post(target, _as_dict(data))
                raise _RolledBack
        except _RolledBack:
            pass
        finally:
            self.client.cookies = cookies  # the session as it was before the post
        SECONDS[f"POST {name}"] += time.monotonic() - started
        self.requests += 1
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            cache.clear()  # nothing the rolled-back request cached outlives it
        if status in REFUSED or status >= 500:
            self.found("post-form", page, target, name, app, f"{status}{_exception(response)}")
        elif noted.notes:
            # A do-once step's second click: the page offered a step already taken.
            self.found("post-form", page, target, name, app, f"{status} {noted.notes[0]!r}")
        elif status in (301, 302, 303, 307, 308):
            location = _site_path(target, response["Location"])
            if location and urlsplit(location).path == "/accounts/login/":
                self.found("post-form", page, target, name, app, f"{status} to sign in")
        _finish(response)


class _DoOnceNotes:
    """Stands in for `django.contrib.messages` inside esafety.once: the notes it adds are
    the "already done" answers to a do-once step's second click (`redirect_as_done`) or a
    form sent twice (`first_time`)."""

    def __init__(self):
        self.notes: list[str] = []

    def info(self, request, message, *args, **kwargs):
        self.notes.append(str(message))
        return django_messages.info(request, message, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(django_messages, name)


# --- the data and the whole walk ----------------------------------------------------------


def richer_demo() -> dict[str, dict[str, str]]:
    """The demo (`seed_demo`) and the records the walk must also see: a lost device with its
    breach record, a risk register the head signed this year, a closed and signed-off
    incident, a loan handed over and one returned. Returns, per person, the pages of these
    records (and of the demo's concern about a headteacher) their walk must open."""
    from devices import breaches
    from devices.models import Device, LossKind
    from esafety.models import User
    from incidents import services as incidents
    from incidents.models import Incident, IncidentTag, ParentsInformed, Subject
    from incidents.tests.factories import report
    from risks import services as risks
    from risks.models import Action as RiskAction

    call_command("seed_demo", stdout=StringIO())
    users = {u.email: u for u in User.objects.filter(email__in=DEMO_LOGINS)}
    lost = Device.objects.get(asset_tag="BR-LAP-002")
    school = lost.school
    head, technician = users["head@brookfield.example"], users["technician@riverside.example"]

    breaches.report_loss(
        device=lost,
        by=technician,
        kind=LossKind.LOST,
        happened_at=timezone.now() - datetime.timedelta(hours=2),
        where="On the bus home from a trip",
        held_personal_data=True,
        personal_data="A class list with pupils' names",
        was_encrypted=True,
    )
    risks.sign_register(school=school, by=head, comment="Reviewed with the governors.")

    incident = report(school, users["teacher@brookfield.example"])
    incidents.acknowledge(incident=incident, by=head)
    incidents.classify(
        incident=incident,
        by=head,
        category="pupil_c",
        risk_area="content",
        tags=IncidentTag.objects.filter(slug="harmful-content"),
    )
    incidents.record_parent_contact(
        incident=incident, by=head, informed=ParentsInformed.YES, when=timezone.now()
    )
    incidents.record_review(incident=incident, by=head, result="No repeat.", close=True)
    incidents.sign_off(incident=incident, by=head)

    _loans(school, technician, users)

    about_a_head = Incident.objects.get(subject=Subject.HEADTEACHER, school__slug="hillside")
    vpn_action = RiskAction.objects.get(risk__school=school, owner=technician)
    return {
        "technician@riverside": {
            lost.get_absolute_url(): "the lost device",
            reverse("risk-action-done", args=[vpn_action.pk]): "their risk action's 'done' form",
        },
        "chair@riverside": {about_a_head.get_absolute_url(): "the concern about a head"},
        "head@brookfield": {
            reverse("risk-signoffs", args=[school.slug]): "the register signed this year",
            incident.get_absolute_url(): "the closed incident",
        },
        "teacher@brookfield": {incident.get_absolute_url(): "the closed incident they reported"},
    }


def _loans(school, technician, users):
    """A member of staff signs the loan agreement; one device is out with them, one back."""
    from agreements import services as agreements
    from devices import loans
    from devices.loan_agreement import loan_document
    from devices.models import Condition, Device

    staff = users["teacher@brookfield.example"]
    agreements.sign(
        version=loan_document(school, for_pupil=False).current_version(),
        signer=staff,
        subject=staff,
        typed_name=staff.full_name,
    )
    due = timezone.localdate() + datetime.timedelta(days=30)
    for tag in ("BR-PHN-007", "BR-TAB-006"):
        loan = loans.lend(
            device=Device.objects.get(asset_tag=tag), borrower=staff, due_back=due, by=technician
        )
        loan = loans.hand_over(loan=loan, by=technician)
        if tag == "BR-PHN-007":
            loans.record_return(
                loan=loan,
                by=technician,
                condition=Condition.GOOD,
                accessories_returned=True,
                accounts_cleared=True,
                factory_reset=True,
            )


@dataclass
class Walked:
    findings: list[Finding] = field(default_factory=list)
    opened: dict[str, set] = field(default_factory=dict)  # persona -> pages opened
    with_forms: dict[str, set] = field(default_factory=dict)  # persona -> pages with forms
    requests: dict[str, int] = field(default_factory=dict)  # persona -> requests sent
    landmarks: dict[str, dict] = field(default_factory=dict)  # persona -> {page: what}


_WALKED: Walked | None = None
SECONDS: Counter = Counter()  # "GET url-name" -> seconds spent, to see what slows the walk


def _quick_pdf(html: str) -> bytes:
    """A PDF's template is rendered (its errors found), its layout skipped: WeasyPrint's
    seconds per PDF would be most of the walk, and the PDFs' own tests lay them out."""
    return b"%PDF-1.7\n% laid out by WeasyPrint outside the walk\n%%EOF\n"


def walk_the_demo(logins=DEMO_LOGINS) -> Walked:
    """Every demo login's walk (once per test process: the dead-link and form-action tests
    read the same walk)."""
    global _WALKED
    if _WALKED is not None:
        return _WALKED
    from esafety.models import User

    walked = Walked()
    with mock.patch.object(pdf, "write_pdf", _quick_pdf):
        walked.landmarks = richer_demo()
        for email in logins:
            persona = email.removesuffix(".example")
            landmarks = walked.landmarks.get(persona, {})
            walk = Walk(User.objects.get(email=email), persona, must_open=landmarks)
            walk.run()
            walked.findings.extend(walk.findings)
            walked.opened[walk.persona] = walk.opened
            walked.with_forms[walk.persona] = walk.with_forms
            walked.requests[walk.persona] = walk.requests
    _WALKED = walked
    return walked
