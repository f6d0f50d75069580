"""Every page a role lands on, the PDFs and a mixed signed-in load, at trust scale.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench_e \
        .venv/bin/python bench/pages.py [--repeat 10] [--load-seconds 120] [--no-load]
        [--ten-times]

Seeds once (the agreements bench's trust: 20 schools x 1,500 pupils, 2 parents each,
60 staff, about 92,000 people; plus 100,000 incidents across the schools; a trustee and
the chair), then reports in one run, each beside the trivial signed-in page `/accounts/` (timed in
turn with it, round by round, so a drift in the machine's speed moves both):

- every home page (officer, head, trustee, chair, teacher, technician, parent),
  `/trust/`, `/agreements/coverage/`, the registers overview, every register, the print
  view, the consent and internet-access registers, and the landing pages of the risks,
  training and devices apps (seeded as their own benches seed them): median time, ratio,
  query count and server CPU time (and its ratio);
- the incident PDF and a signed-form PDF, first render (nothing cached) and repeat,
  beside a bare two-page WeasyPrint document;
- every home page and the first pages after them again, right after another person's
  write (in turn: a member of staff signs the e-safety policy, a teacher logs an
  incident, a teacher records training) and with the whole cache flushed (issue 26's
  targets: within 3x after a write, within 5x cold);
- a mixed signed-in load (`bench/mixed.lua`, wrk from Debian's `wrk` package) on
  gunicorn with 2 workers and a Celery worker for --load-seconds, one request in ten a
  write (`bench/pages_writes.py`: a teacher logs an incident, a parent or a member of staff
  signs, a teacher records training, a technician lends a device): throughput,
  p50/p95/p99, errors, the writes sent, done (rows made) and refused by kind, and how soon
  after the last write the figures a trustee reads are right again; first each page of
  the mix's server CPU per request and the weighted mean.

Targets (issue 11): pages within 3x the trivial page; coverage under 30 queries; the
incident PDF's first render within 4x the bare document and a repeat within 1.5x the
trivial page.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings_pages")  # before common's default

from common import median_cpu_ms, median_ms, paired_ms, set_up
from pages_after_write import after_write_and_cold
from pages_seed import seed, seed_in_processes

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PER_SCHOOL_INCIDENTS = 5000


# --- who signs in, and where they land ---------------------------------------------------


def people():
    from esafety.models import Role, School, TrusteeMembership, User

    school = School.objects.get(slug="bench-0")

    def member(role):
        return User.objects.filter(memberships__school=school, memberships__role=role).first()

    return school, {
        "officer": member(Role.ESAFETY_OFFICER),
        "head": member(Role.HEADTEACHER),
        "teacher": member(Role.STAFF),
        "technician": member(Role.TECHNICIAN),
        "parent": member(Role.PARENT),
        "pupil": member(Role.PUPIL),
        "trustee": TrusteeMembership.objects.filter(is_chair=False).first().user,
        "chair": TrusteeMembership.objects.filter(is_chair=True).first().user,
    }


def pages(school):
    """(label, persona, url) for every page measured."""
    from django.urls import reverse

    from agreements.models import Kind
    from incidents.models import Incident

    def register(kind, suffix=""):
        pk = school.documents.get(kind=kind).pk
        return reverse("agreements-register", kwargs={"slug": school.slug, "pk": pk}) + suffix

    slug = {"slug": school.slug}
    incident = Incident.objects.filter(school=school, status="open").order_by("pk").first()
    return [
        ("home: e-safety officer", "officer", "/"),
        ("home: headteacher", "head", "/"),
        ("home: trustee", "trustee", "/"),
        ("home: chair", "chair", "/"),
        ("home: teacher", "teacher", "/"),
        ("home: technician", "technician", "/"),
        ("home: parent", "parent", "/"),
        ("home: pupil", "pupil", "/"),
        ("parent: what to sign", "parent", reverse("agreements-to-sign")),
        ("teacher: report an incident", "teacher", reverse("incident-create")),
        ("teacher: notifications", "teacher", reverse("notifications")),
        (
            "chair: governance dashboard",
            "chair",
            reverse("governance-trust", args=[school.trust_id]),
        ),
        ("trust overview /trust/", "trustee", "/trust/"),
        ("agreements coverage (trustee)", "trustee", "/agreements/coverage/"),
        ("incident queue", "officer", "/incidents/queue/"),
        ("incident page", "officer", f"/incidents/{incident.pk}/"),
        ("registers overview", "officer", reverse("agreements-registers", kwargs=slug)),
        ("register: e-safety policy", "officer", register(Kind.POLICY)),
        ("register: parent agreement", "officer", register(Kind.PARENT)),
        ("register: parent agreement p.20", "officer", register(Kind.PARENT, "?page=20")),
        ("register print: policy", "officer", register(Kind.POLICY, "print/")),
        ("register print: parents, 1 class", "officer", register(Kind.PARENT, "print/")),
        (
            "consent register (school)",
            "officer",
            reverse("agreements-consent-register", kwargs=slug),
        ),
        (
            "consent register (school, website)",
            "officer",
            reverse("agreements-consent-register", kwargs=slug) + "?channel=website",
        ),
        (
            "consent register (7A, website)",
            "officer",
            reverse("agreements-consent-register", kwargs=slug) + "?class_name=7A&channel=website",
        ),
        (
            "internet-access register",
            "technician",
            reverse("agreements-internet-register", kwargs=slug),
        ),
        ("risk register", "officer", reverse("risk-register", args=[school.slug])),
        ("filtering and monitoring", "officer", reverse("filtering", args=[school.slug])),
        ("risk registers in the trust", "trustee", reverse("risk-trust")),
        ("training matrix", "officer", reverse("training-matrix", args=[school.slug])),
        ("my training (teacher)", "teacher", reverse("training-mine")),
        ("training figures (trustee)", "trustee", reverse("training-figures")),
        ("device inventory", "technician", reverse("devices-inventory", args=[school.slug])),
        (
            "devices needing attention",
            "technician",
            reverse("devices-non-compliant", args=[school.slug]),
        ),
        ("loans", "technician", reverse("loans", args=[school.slug])),
        ("devices held in the office", "officer", reverse("confiscations", args=[school.slug])),
    ]


def pdfs(school):
    from agreements.models import Kind, Signature
    from incidents.models import Incident

    incident = Incident.objects.filter(school=school, status="open").order_by("pk").first()
    signature = (
        Signature.objects.filter(
            version__document__school=school, version__document__kind=Kind.PARENT
        )
        .order_by("pk")
        .first()
    )
    closed = _closed_with_a_history(school)
    return [
        ("incident PDF", "officer", f"/incidents/{incident.pk}/report.pdf"),
        ("incident PDF, closed", "officer", f"/incidents/{closed.pk}/report.pdf"),
        ("signed-form PDF", "officer", f"/agreements/signatures/{signature.pk}/pdf/"),
    ]


def _closed_with_a_history(school):
    """A closed incident as a year of use leaves one: reviewed, signed by the headteacher
    and a trustee, with eight entries in its timeline (two pages). The seed's incidents
    have none, so the first closed one is given them once."""
    import datetime

    from django.utils import timezone

    from esafety.models import Role, TrusteeMembership
    from incidents.models import ActionKind, Incident, TimelineEntry

    incident = Incident.objects.filter(school=school, status="closed").order_by("pk").first()
    assert incident is not None, "the bench's seed has no closed incident"
    if incident.timeline.exists():
        return incident
    officer = school.memberships.filter(role=Role.ESAFETY_OFFICER).first().user
    head = school.memberships.filter(role=Role.HEADTEACHER).first().user
    at = incident.reported_at
    steps = [
        (ActionKind.ROUTING, "Sent to the e-safety officer."),
        (ActionKind.ACKNOWLEDGED, "Acknowledged; spoke to the pupils involved."),
        (ActionKind.NOTE, "Screenshots kept on the school's evidence drive, not copied."),
        (ActionKind.ACTION, "Talk to the class about group chats in the next PSHE lesson."),
        (ActionKind.NOTE, "Parents of both pupils told by phone; a letter follows."),
        (ActionKind.CHANGE, "Category changed from pupil category C to pupil category D."),
        (ActionKind.NOTE, "Follow-up with the pupil: no further messages reported."),
        (ActionKind.SIGN_OFF, "Signed off by the headteacher."),
    ]
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            incident=incident,
            kind=kind,
            text=text,
            created_at=at + datetime.timedelta(hours=6 * n),
            created_by=officer,
            owner=officer if kind == ActionKind.ACTION else None,
            due_on=(at + datetime.timedelta(days=7)).date() if kind == ActionKind.ACTION else None,
            done_at=at + datetime.timedelta(days=5) if kind == ActionKind.ACTION else None,
        )
        for n, (kind, text) in enumerate(steps)
    )
    Incident.objects.filter(pk=incident.pk).update(
        review_date=(at + datetime.timedelta(days=28)).date(),
        review_result="No repeat; the class talk was given and the pupils' parents were told.",
        headteacher_signed_by=head,
        headteacher_signed_at=timezone.now(),
        trustee_signed_by=TrusteeMembership.objects.filter(trust=school.trust).first().user,
        trustee_signed_at=timezone.now(),
    )
    return incident


def measure(repeat: int, only_pdfs: bool = False) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from esafety.testing import sign_in

    settings.ALLOWED_HOSTS = ["testserver"]
    school, who = people()
    clients = {name: sign_in(Client(), user) for name, user in who.items()}

    def trivial():
        clients["officer"].get("/accounts/")

    # Each page is timed in turn with the trivial page, round by round, and its ratio is
    # to the trivial page's median over the same rounds (`paired_ms`).
    print(f"\nLoad average at the start: {_load()}")
    ms, cpu = median_ms(trivial, repeat), median_cpu_ms(trivial, repeat)
    print(f"Trivial signed-in page /accounts/: {ms:.1f} ms, {cpu:.1f} ms CPU (medians of {repeat})")
    print(f"{'page':36} {'ms':>8} {'x trivial':>10} {'queries':>8} {'CPU ms':>7} {'x CPU':>6}")
    for label, persona, url in [] if only_pdfs else pages(school):
        client = clients[persona]
        client.get(url)  # warm: the figures and kept values it reads are computed once
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        count = len(queries)  # now: later requests empty the log it reads
        assert response.status_code == 200, (label, url, response.status_code)
        ms, base = paired_ms(lambda c=client, u=url: c.get(u), trivial, repeat)
        cpu, base_cpu = paired_ms(
            lambda c=client, u=url: c.get(u), trivial, repeat, clock=time.process_time
        )
        flag = "" if ms <= 3 * base else "  OVER 3x"
        print(
            f"{label:36} {ms:8.1f} {ms / base:9.1f}x {count:8} {cpu:7.1f} "
            f"{cpu / base_cpu:5.1f}x{flag}"
        )

    two_pages = "<h1>Minimal</h1><p>One</p><p style='page-break-before: always'>Two</p>"

    def bare():
        HTML(string=two_pages).write_pdf()

    print(f"\nBare two-page WeasyPrint document: {median_ms(bare, repeat):.1f} ms")
    for label, persona, url in pdfs(school):
        client = clients[persona]

        def first(c=client, u=url):
            # The record's first download: its PDF's bytes are not in the cache (a cache
            # that keeps nothing stands in for the PDF's), the rest of the site is warm.
            with _pdf_bytes_not_cached():
                assert c.get(u).status_code == 200

        def cold(c=client, u=url):
            cache.clear()  # nothing at all cached, as after a restart of Redis
            assert c.get(u).status_code == 200

        first_ms, bare_ms = paired_ms(first, bare, repeat)
        cold_ms, bare_cold = paired_ms(cold, bare, repeat)
        repeat_ms, base = paired_ms(lambda c=client, u=url: c.get(u), trivial, repeat)
        print(
            f"{label:20} first {first_ms:7.1f} ms = {first_ms / bare_ms:4.1f}x bare (target 4x; "
            f"whole cache flushed {cold_ms:.1f} ms = {cold_ms / bare_cold:.1f}x); "
            f"repeat {repeat_ms:7.1f} ms = {repeat_ms / base:4.1f}x trivial (target 1.5x)"
        )
    print(f"Load average at the end: {_load()}")


@contextmanager
def _pdf_bytes_not_cached():
    from django.core.cache.backends.dummy import DummyCache

    from esafety import pdf

    kept, pdf.cache = pdf.cache, DummyCache("pdf-bench", {})
    try:
        yield
    finally:
        pdf.cache = kept


def _load() -> str:
    """The machine's load average (1, 5, 15 min): the figures mean less on a busy host."""
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


# --- the mixed signed-in load on gunicorn ------------------------------------------------

MIX = [  # (persona, url, weight): roughly what a school day's traffic looks like
    ("officer", "/", 6),
    ("head", "/", 3),
    ("teacher", "/", 6),
    ("parent", "/", 4),
    ("trustee", "/", 2),
    ("officer", "/incidents/queue/", 3),
    ("teacher", "/notifications/", 2),
    ("officer", "/accounts/", 2),
    ("trustee", "/trust/", 1),
    ("trustee", "/agreements/coverage/", 1),
    ("officer", "registers", 1),
]


def mix_cpu(repeat: int):
    """Each page of the mix: its server CPU per request (in process, as `measure`), and the
    mix's weighted mean, which bounds throughput at about cores / mean CPU."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from esafety.testing import sign_in

    settings.ALLOWED_HOSTS = ["testserver"]
    school, who = people()
    clients = {name: sign_in(Client(), user) for name, user in who.items()}
    registers = reverse("agreements-registers", kwargs={"slug": school.slug})
    print(f"\nServer CPU per request of each page in the mix (median of {repeat}):")
    total = weights = 0
    for persona, url, weight in MIX:
        url = registers if url == "registers" else url
        cpu = median_cpu_ms(lambda c=clients[persona], u=url: c.get(u), repeat)
        total, weights = total + cpu * weight, weights + weight
        print(f"  {persona:10} {url:40} x{weight}  {cpu:6.1f} ms CPU")
    mean = total / weights
    print(f"  weighted mean {mean:.1f} ms CPU: at most ~{2000 / mean:.0f} requests/s on 2 cores")


def load(seconds: int, server_repo: Path = REPO):
    import pages_writes as writes
    from common import celery_worker
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from esafety.testing import sign_in

    school, who = people()
    clients = {name: sign_in(Client(), user) for name, user in who.items()}  # fresh sessions
    registers = reverse("agreements-registers", kwargs={"slug": school.slug})
    gets = []
    for persona, url, weight in MIX:
        cookie = clients[persona].cookies[settings.SESSION_COOKIE_NAME].value
        url = registers if url == "registers" else url
        gets += [f"{settings.SESSION_COOKIE_NAME}={cookie}\t{url}"] * weight
    lines, kinds = writes.request_lines(gets, school, who, seconds)  # about 1 in 10 a write
    connections = 8
    requests = Path(tempfile.mkstemp(suffix=".tsv")[1])
    requests.write_text("\n".join(lines) + "\n")
    sign_in_pages = [reverse(name) for name in ("login", "two-factor-verify", "two-factor-setup")]
    port = os.environ.get("BENCH_PORT") or _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions above were signed with it
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "REQUIRE_2FA": "true",
        "LOG_LEVEL": "WARNING",
        # The writes hand emails and figure recounts to the worker, as in production.
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
    }
    before = _load()
    python = Path(sys.executable)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=server_repo,
        env=env,
        check=True,
    )
    command = [
        python.parent / "gunicorn",
        "esafety.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
    ]
    if (server_repo / "esafety" / "gunicorn_conf.py").exists():  # as docker-compose runs it
        command.append("--config=python:esafety.gunicorn_conf")
    rows_before = writes.count_rows()
    with celery_worker(**env):
        server = subprocess.Popen(command, cwd=server_repo, env=env)
        try:
            _wait_until_up(port, server)
            # One connection per wrk thread: mixed.lua can then tell which request each
            # response answers (wrk does not say which connection a response came on).
            wrk = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--timeout=10s"]
            wrk += ["-s", BENCH / "mixed.lua", f"http://127.0.0.1:{port}", "--", requests]
            wrk += [str(connections), *sign_in_pages]
            output = subprocess.run(wrk, capture_output=True, text=True, check=True).stdout
        finally:
            server.terminate()
            server.wait()
            requests.unlink()
        rows_after = writes.count_rows()
        figures_right = writes.figures_right(school.trust_id) if rows_after != rows_before else ""
    report, by_path = writes.parse_writes(output.split("RESULT")[-1].strip())
    write_count = sum("\tPOST\t" in line for line in lines)
    print(
        f"\nMixed signed-in load, gunicorn 2 workers and a Celery worker, wrk {connections} "
        f"connections, {seconds} s; {len(lines):,} lines, {write_count} of them writes:"
    )
    print(f"Load average: {before} before, {_load()} after")
    print(report)
    print(writes.writes_table(by_path, kinds, rows_before, rows_after))
    print(figures_right or "Figures right: no write was made")


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def _wait_until_up(port, server):
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("gunicorn did not start")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered (503 when the broker is not there: fine for this)
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not answer")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--pupils", type=int, default=1500)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--load-seconds", type=int, default=120)
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--no-pages", action="store_true", help="only the mixed load")
    parser.add_argument("--only-pdfs", action="store_true", help="of the pages, the PDFs")
    parser.add_argument(
        "--warm-only", action="store_true", help="the pages warm, not after a write or cold"
    )
    parser.add_argument(
        "--after-write-only", action="store_true", help="only after a write and cold"
    )
    parser.add_argument(
        "--server-repo",
        type=Path,
        default=REPO,
        help="serve the load from this checkout (e.g. a worktree of an older commit, for a "
        "before/after on the same machine and data); the sessions are made by this one",
    )
    parser.add_argument(
        "--ten-times",
        action="store_true",
        help="a trust ten times the size: 200 schools of 1,500 pupils and 1,000,000 incidents "
        "(give it a database of its own; it is seeded once)",
    )
    parser.add_argument(
        "--seed-processes",
        type=int,
        default=0,
        help="seed a new database a school at a time in this many processes (2 with --ten-times)",
    )
    args = parser.parse_args()
    if args.ten_times:
        args.schools, args.incidents = 200, 1_000_000
        args.seed_processes = args.seed_processes or 2
    from django.core.management import call_command

    set_up("esafety_bench_e")
    if args.seed_processes:
        seed_in_processes(args.schools, args.pupils, args.incidents, args.seed_processes)
    else:
        seed(args.schools, args.pupils, args.incidents)
    if not args.no_pages:
        call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off
        if not args.after_write_only:
            measure(args.repeat, args.only_pdfs)
        if not args.only_pdfs and not args.warm_only:
            school, who = people()
            after_write_and_cold(args.repeat, school, who, pages(school))
    if not args.no_load:
        mix_cpu(args.repeat)
        load(args.load_seconds, args.server_repo.resolve())


if __name__ == "__main__":
    main()
