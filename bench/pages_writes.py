"""The writes in bench/pages.py's mixed load, as a school makes them all day: a teacher
logs an incident, a parent signs the parent agreement or a member of staff the e-safety
policy, a teacher records training, a technician lends a device.

Each write is a line for bench/mixed.lua, "<Cookie header>\t<path>\tPOST\t<form>": the
form as the page sends it, with the session cookie and a CSRF cookie whose token mixed.lua
sends again in X-CSRFToken (as esafety/testing_http.py's `post`). wrk sends each write line
once, so every line is a write of its own: a new incident, a signer with an open request
(each with their own session), a training record on a day not recorded yet, a device not
on loan. The rows counted before and after the load say how many of them were made."""

import datetime
import itertools
import math
import random
import secrets
import time
from urllib.parse import urlencode

KINDS = ("incident", "signature", "training", "loan")
FIGURES = ("incidents.last_12_months", "agreements.coverage")  # what a trustee sees
# The request list is made for this many requests a second, above what the mix's CPU
# allows on 2 cores (pages.py's `mix_cpu`): wrk sends each write line once, and the
# writes must last the run.
LINES_PER_SECOND = 150
SHARE = 0.10  # of the lines, writes


def request_lines(gets: list[str], school, who, seconds: int):
    """The load's request list, GETs and writes mixed, and each write's kind by path."""
    total = seconds * LINES_PER_SECOND
    writes = write_lines(school, who, math.ceil(total * SHARE / len(KINDS)))
    return mixed(gets, writes, total, SHARE), kinds_by_path(writes)


def write_lines(school, who, per_kind: int) -> dict[str, list[str]]:
    """`per_kind` write lines of each kind, by kind. Each signer signs once and each device
    is lent once, so a bench database runs out of them over many runs: where it has fewer,
    more incidents and training records make up the number."""
    signatures = signature_lines(per_kind)
    loans = loan_lines(school, who["technician"], per_kind)
    short = 2 * per_kind - len(signatures) - len(loans)
    if short:
        print(f"{len(signatures)} signers with an open request and {len(loans)} devices to lend")
    more = per_kind + math.ceil(short / 2)
    return {
        "incident": incident_lines(school, who["teacher"], more),
        "signature": signatures,
        "training": training_lines(school, more),
        "loan": loans,
    }


def mixed(gets: list[str], writes: dict[str, list[str]], total: int, share: float) -> list[str]:
    """`total` lines: `share` of them writes (each kind in turn, while they last), the rest
    the GET lines over and over; shuffled, so that every wrk thread and every part of the
    run gets its share of each."""
    in_turn = [line for lines in itertools.zip_longest(*writes.values()) for line in lines if line]
    chosen = in_turn[: int(total * share)]
    lines = chosen + list(itertools.islice(itertools.cycle(gets), total - len(chosen)))
    random.Random(0).shuffle(lines)
    return lines


def kinds_by_path(writes: dict[str, list[str]]) -> dict[str, str]:
    return {line.split("\t")[1]: kind for kind, lines in writes.items() for line in lines}


# --- the lines ------------------------------------------------------------------------


def _session(user) -> str:
    """A new signed-in session (two-factor done) for `user`: its cookie's value."""
    from django.conf import settings
    from django.test import Client

    from esafety.testing import sign_in

    return sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value


def post_line(session: str, path: str, data: dict) -> str:
    from django.conf import settings

    token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}"
    return f"{cookie}\t{path}\tPOST\t{urlencode(data, doseq=True)}"


def incident_lines(school, teacher, count: int) -> list[str]:
    """The teacher logs an incident about one of the school's pupils (the fields of
    incidents/tests/test_pages.py's `log_form_data`). No once-token: each is a new one."""
    from django.urls import reverse
    from django.utils import timezone

    from esafety.models import Role, User
    from incidents.models import IncidentTag, Part, PersonKind, Subject

    session = _session(teacher)
    bullying = IncidentTag.objects.get(slug="bullying").pk
    pupils = list(
        User.objects.filter(memberships__school=school, memberships__role=Role.PUPIL)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    now = timezone.localtime()
    lines = []
    for n in range(count):
        occurred = now - datetime.timedelta(minutes=30 + n % 600)
        data = {
            "school": school.slug,
            "child_at_risk_now": "no",
            "contact_from_older": "no",
            "image_of_child": "no",
            "subject": Subject.PUPIL,
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "location": "online",
            "description": f"A pupil received unkind messages in a group chat (bench {n}).",
            "action_taken": "Screenshots not taken; pupil reassured.",
            "category": "pupil_c",
            "risk_area": "conduct",
            "tags": [bullying],
            "platform": "Group chat app",
            "device_owner": "personal",
            "people-TOTAL_FORMS": "2",
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "20",
            "people-0-person": pupils[n % len(pupils)],
            "people-0-kind": PersonKind.PUPIL,
            "people-0-part": Part.TARGET,
            "people-1-name": "Unknown older teenager",
            "people-1-kind": PersonKind.UNKNOWN,
            "people-1-part": Part.ALLEGED,
            "submit": "1",
        }
        lines.append(post_line(session, reverse("incident-create"), data))
    return lines


def signature_lines(count: int) -> list[str]:
    """Parents signing the parent agreement for a child and staff signing the e-safety
    policy, in turn, on the sign page of an open request (agreements/views_sign.py's
    `sign`). Each signer once, each child once (a parent's signature completes the other
    parent's request), each with a session of their own."""
    from django.urls import reverse

    from agreements.models import Channel, Kind, SignRequest

    open_requests = (
        SignRequest.objects.filter(
            completed_at__isnull=True,
            document__school__slug__startswith="bench-",
            document__kind__in=[Kind.PARENT, Kind.POLICY],
        )
        .select_related("document", "person")
        .order_by("pk")
    )
    by_kind = {Kind.PARENT: [], Kind.POLICY: []}
    signers, subjects = set(), set()
    for request in open_requests.iterator():
        child = (request.document_id, request.subject_id)
        if request.person_id in signers or child in subjects:
            continue
        signers.add(request.person_id)
        subjects.add(child)
        by_kind[request.document.kind].append(request)
    chosen = [r for pair in itertools.zip_longest(*by_kind.values()) for r in pair if r]
    versions = {}
    lines = []
    for request in chosen[:count]:
        document = request.document
        if document.pk not in versions:
            versions[document.pk] = document.current_version()
        shown = versions[document.pk].content_hash  # the text the sign page showed
        data = {"typed_name": request.person.full_name, "text_hash": shown}
        if document.asks_consent:
            data.update({f"consent_{channel}": "yes" for channel in Channel.values})
        path = reverse("agreements-sign", args=[request.pk])
        lines.append(post_line(_session(request.person), path, data))
    return lines


def training_lines(school, count: int, teachers: int = 20) -> list[str]:
    """Teachers record training they attended (training/views.py's `record_add`): one of
    their requirements met by attending, on a day they have no record of it yet (one
    record a person, requirement and day), today and back."""
    from django.urls import reverse
    from django.utils import timezone

    from esafety.models import Role, User
    from training.models import Evidence, TrainingRecord
    from training.selectors import my_standings

    today = timezone.localdate()
    people = list(
        User.objects.filter(memberships__school=school, memberships__role=Role.STAFF)
        .distinct()
        .order_by("pk")[:teachers]
    )
    requirements = {
        person: [r for _, r, _ in my_standings(person, today) if r.evidence == Evidence.ATTENDANCE]
        for person in people
    }
    recorded = set(
        TrainingRecord.objects.filter(person__in=people, completed_on__isnull=False).values_list(
            "person_id", "requirement_id", "completed_on"
        )
    )
    sessions = {person: _session(person) for person in people}
    lines = []
    for days_ago in range(3650):
        day = today - datetime.timedelta(days=days_ago)
        for person in people:
            for requirement in requirements[person]:
                if len(lines) == count:
                    return lines
                if (person.pk, requirement.pk, day) in recorded:
                    continue
                data = {
                    "requirement": requirement.pk,
                    "completed_on": day.isoformat(),
                    "provider": "Local authority",
                    "hours": "1.5",
                }
                lines.append(post_line(sessions[person], reverse("training-record-add"), data))
    return lines


def loan_lines(school, technician, count: int) -> list[str]:
    """The technician lends a device that is in use or in store and not on loan
    (devices/views_loans.py's `loan_add`), to a pupil with a parent to sign and to a
    member of staff in turn. Each device once."""
    from django.db.models import Exists, OuterRef
    from django.urls import reverse
    from django.utils import timezone

    from devices.loans import LENDABLE
    from devices.models import Device, Loan
    from esafety.models import ParentLink, Role, User

    _publish_loan_agreements(school)
    on_loan = Loan.objects.open().filter(device=OuterRef("pk"))
    devices = list(
        Device.objects.filter(school=school, status__in=LENDABLE)
        .exclude(Exists(on_loan))
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    with_parents = ParentLink.objects.filter(ended_on__isnull=True).values("child_id")
    pupils = list(
        User.objects.filter(
            memberships__school=school, memberships__role=Role.PUPIL, pk__in=with_parents
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    staff = list(
        User.objects.filter(memberships__school=school, memberships__role=Role.STAFF)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    session = _session(technician)
    path = reverse("loan-add", args=[school.slug])
    due_back = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    lines = []
    for n, device in enumerate(devices):
        borrower = pupils[n // 2 % len(pupils)] if n % 2 == 0 else staff[n // 2 % len(staff)]
        data = {"device": device, "borrower": borrower, "due_back": due_back, "purpose": "Home"}
        lines.append(post_line(session, path, data))
    return lines


def _publish_loan_agreements(school) -> None:
    """Lending needs the school's two loan agreements published (the bench's seed has
    none): written, signed off, approved and published once, as the school would."""
    from agreements import services
    from devices.loan_agreement import install_loan_agreements, loan_document
    from esafety.models import Role, TrusteeMembership

    if loan_document(school, for_pupil=True) is not None:
        return
    head = school.memberships.filter(role=Role.HEADTEACHER).first().user
    chair = TrusteeMembership.objects.filter(trust=school.trust, is_chair=True).first().user
    install_loan_agreements(school=school, by=head)
    for for_pupil in (False, True):
        version = loan_document(school, for_pupil=for_pupil).versions.get()
        services.head_sign_off(version=version, by=head)
        services.trustees_approve(version=version, by=chair)
        services.publish(version=version, by=head)


# --- what the writes did ---------------------------------------------------------------


def count_rows() -> dict[str, int]:
    """The rows the writes make, by kind: compare before and after the load."""
    from agreements.models import Signature
    from devices.models import Loan
    from incidents.models import Incident
    from training.models import TrainingRecord

    models = (Incident, Signature, TrainingRecord, Loan)
    return {kind: model.objects.count() for kind, model in zip(KINDS, models, strict=True)}


def last_write_at() -> datetime.datetime:
    """When the newest of those rows was made."""
    from django.db.models import Max

    from agreements.models import Signature
    from devices.models import Loan
    from incidents.models import Incident
    from training.models import TrainingRecord

    return max(
        model.objects.aggregate(at=Max(field))["at"]
        for model, field in (
            (Incident, "reported_at"),
            (Signature, "signed_at"),
            (TrainingRecord, "recorded_at"),
            (Loan, "created_at"),
        )
    )


def parse_writes(output: str) -> tuple[str, dict[str, tuple[int, int, int]]]:
    """mixed.lua's report without its WRITE lines, and those lines: path -> (sent,
    redirected, refused)."""
    text, by_path = [], {}
    for line in output.splitlines():
        if line.startswith("WRITE\t"):
            _, path, *counts = line.split("\t")
            by_path[path] = tuple(int(c) for c in counts)
        else:
            text.append(line)
    return "\n".join(text), by_path


def writes_table(by_path, kinds: dict[str, str], before, after) -> str:
    """Sent and refused (mixed.lua's counts) and done (rows made), by kind."""
    rows = [f"{'writes':10} {'sent':>6} {'done':>6} {'refused':>8}"]
    for kind in KINDS:
        counts = [c for path, c in by_path.items() if kinds.get(path) == kind]
        sent, refused = sum(c[0] for c in counts), sum(c[2] for c in counts)
        rows.append(f"{kind:10} {sent:6} {after[kind] - before[kind]:6} {refused:8}")
    return "\n".join(rows)


def figures_right(trust_id) -> str:
    """How soon after the last write the trust's figures were right again, as a line."""
    from esafety.models import School

    school_ids = School.objects.filter(trust=trust_id).values_list("pk", flat=True)
    seconds, first_look = seconds_until_figures_right(school_ids, last_write_at())
    figures = " and ".join(FIGURES)
    if seconds is None:
        return f"Figures right: NOT within 120 s of the last write ({figures})"
    return (
        f"Figures right within {seconds:.1f} s of the last write ({figures}; "
        f"first looked at {first_look:.1f} s)"
    )


def seconds_until_figures_right(school_ids, since: datetime.datetime, limit=120.0, every=0.5):
    """(seconds, first look): how long after `since` (the last write) the figures a
    trustee reads (`figures_for`, which may serve the last values while the worker counts
    again) first equalled the figures counted from the rows, None if not within `limit`
    seconds; and how long after it they were first looked at (the bound from below).

    The rows are counted with the figure's own `compute`, which is what `exact=True`
    counts when the kept value is stale, but without keeping the count: `figures_for(...,
    exact=True)` would put it in the cache, and the next read would find it there instead
    of the worker's."""
    from django.utils import timezone

    from esafety.figures import figures_for

    school_ids = sorted(school_ids)
    first_look = None
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        read_at = timezone.now()
        if first_look is None:
            first_look = (read_at - since).total_seconds()
        today = timezone.localdate()
        read = {name: figures_for(name, school_ids) for name in FIGURES}
        if read == {name: _counted(name, school_ids, today) for name in FIGURES}:
            return (read_at - since).total_seconds(), first_look
        time.sleep(every)
    return None, first_look


def _counted(name, school_ids, today) -> dict:
    from esafety.figures import registered_figures

    values = registered_figures()[name].compute(school_ids, today)
    return {school_id: values[school_id] for school_id in school_ids}
