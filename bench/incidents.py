"""Incident benchmark on PostgreSQL: 20 schools, 100,000 incidents.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/1 \
        .venv/bin/python bench/incidents.py [--incidents 100000] [--repeat 15]

Creates (or reuses) the database named in DATABASE_URL, seeds it once, then reports in
one run the median time of the queue page (with the pupils involved and a summary of
each), the queue with a filter, the trust-wide queue of a trust safeguarding lead, the
people picker's search in a school of 2,000 pupils, a pupil chronology and the incident
PDF, each beside a trivial signed-in page; a minimal two-page
WeasyPrint document beside the incident PDF; and the deadline sweep over all open
incidents (first run, which acts on what is due, and a steady-state run), run as the
Celery worker runs it (emails handed to the broker, not sent inline); each run first puts
back the state as seeded, so every run's first sweep does the same work.
The database gets the planner settings of docker-compose.yml (no JIT, SSD costs).
Targets: pages within 3x the trivial page, the PDF within 1.5x the minimal document,
the sweep under 5 s.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from common import like_a_worker, median_ms, purge_broker, set_up


def seed(total: int):
    from django.utils import timezone

    from esafety.models import Membership, Role, School, StaffType, Trust, User
    from incidents.models import (
        ActionKind,
        Incident,
        IncidentPerson,
        IncidentTag,
        Status,
        TimelineEntry,
    )

    if Incident.objects.count() >= total:
        print(f"Reusing {Incident.objects.count():,} incidents already seeded.")
        return
    print(f"Seeding 20 schools and {total:,} incidents ...", flush=True)
    started = time.perf_counter()
    trust = Trust.objects.create(name="Bench Trust")
    rng = random.Random(42)
    now = timezone.now()
    tags = list(IncidentTag.objects.all())
    per_school = total // 20
    for s in range(20):
        school = School.objects.create(trust=trust, name=f"Bench School {s}", slug=f"bench-{s}")
        staff = User.objects.bulk_create(
            User(email=f"s{s}-staff{n}@bench.example", full_name=f"Staff {s}-{n}", password="!")
            for n in range(12)
        )
        pupils = User.objects.bulk_create(
            User(full_name=f"Pupil {s}-{n}", password="!") for n in range(300)
        )
        Membership.objects.bulk_create(
            [
                Membership(user=staff[0], school=school, role=Role.HEADTEACHER),
                Membership(user=staff[1], school=school, role=Role.ESAFETY_OFFICER),
            ]
            + [
                Membership(user=u, school=school, role=Role.STAFF, staff_type=StaffType.TEACHER)
                for u in staff[2:]
            ]
            + [
                Membership(user=u, school=school, role=Role.PUPIL, year_group=n % 7)
                for n, u in enumerate(pupils)
            ]
        )
        incidents = []
        for n in range(per_school):
            # About 1 in 1,000 rows is due for each timer: what a sweep meets in real life.
            due = n % 1000 == 0
            reported = now - timedelta(minutes=rng.randint(60, 60 * 24 * 720))
            status = rng.choices(
                [Status.REPORTED, Status.OPEN, Status.CLOSED], weights=[2, 18, 80]
            )[0]
            if status == Status.REPORTED and not due:
                reported = now - timedelta(minutes=rng.randint(1, 50))
            incidents.append(
                Incident(
                    school=school,
                    number=f"{reported.year}-{n + 1:05d}",
                    status=status,
                    reported_by=staff[2 + n % 10],
                    reported_at=reported,
                    occurred_at=reported - timedelta(hours=2),
                    acknowledge_by=reported + timedelta(hours=1 if not due else -1),
                    routed_to=staff[1],
                    location="online",
                    subject="pupil",
                    category=rng.choice(["pupil_a", "pupil_b", "pupil_c", "pupil_d"]),
                    risk_area=rng.choice(["content", "contact", "conduct", "commerce"]),
                    description="Benchmark incident: messages in a group chat. " * 4,
                    review_date=(reported + timedelta(days=30)).date(),
                    review_result="" if due else "Reviewed",
                )
            )
        created = Incident.objects.bulk_create(incidents, batch_size=2000)
        IncidentPerson.objects.bulk_create(
            (
                IncidentPerson(
                    incident=i,
                    person=pupils[n % 300],
                    kind="pupil",
                    part=rng.choice(["target", "alleged", "witness"]),
                )
                for n, i in enumerate(created)
            ),
            batch_size=2000,
        )
        through = Incident.tags.through
        through.objects.bulk_create(
            (
                through(incident_id=i.pk, incidenttag_id=tags[n % len(tags)].pk)
                for n, i in enumerate(created)
            ),
            batch_size=5000,
        )
        TimelineEntry.objects.bulk_create(
            (
                TimelineEntry(
                    incident=i,
                    kind=ActionKind.ACTION,
                    text="Follow up",
                    owner=staff[2],
                    due_on=(i.reported_at + timedelta(days=7)).date(),
                    done_at=None if n % 1000 == 0 else i.reported_at,
                )
                for n, i in enumerate(created)
            ),
            batch_size=2000,
        )
        print(f"  school {s + 1}/20 done ({time.perf_counter() - started:.0f} s)", flush=True)
    from django.db import connection

    # Fresh planner statistics, as autovacuum would have made by the time anyone looks.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


PICKER_PUPILS = 2000


def seed_picker_school():
    """The first school grows to 2,000 pupils (and gets a trust lead) for the picker."""
    from esafety.models import Membership, Role, School, TrustLead, User

    school = School.objects.get(slug="bench-0")
    have = Membership.objects.filter(school=school, role=Role.PUPIL).count()
    if have < PICKER_PUPILS:
        pupils = User.objects.bulk_create(
            User(full_name=f"Pupil 0-{n}", password="!") for n in range(have, PICKER_PUPILS)
        )
        Membership.objects.bulk_create(
            Membership(
                user=u, school=school, role=Role.PUPIL, year_group=n % 7, class_name=f"{n % 7}B"
            )
            for n, u in enumerate(pupils)
        )
    if not TrustLead.objects.exists():
        lead = User.objects.create(email="lead@bench.example", full_name="Trust Lead", password="!")
        TrustLead.objects.create(user=lead, trust=school.trust)


def measure(repeat: int):
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from weasyprint import HTML

    from esafety.models import Membership, Notification, Role, School, TrustLead, User
    from esafety.sweeps import registered_jobs, run_sweeps
    from esafety.testing import sign_in
    from incidents.models import Incident, IncidentPerson

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    school = School.objects.get(slug="bench-0")
    officer = User.objects.get(memberships__school=school, memberships__role=Role.ESAFETY_OFFICER)
    client = sign_in(Client(), officer)
    busiest = (
        IncidentPerson.objects.filter(incident__school=school)
        .values("person")
        .order_by("person")
        .first()["person"]
    )
    incident = Incident.objects.filter(school=school, status="open").first()

    lead_client = sign_in(Client(), TrustLead.objects.select_related("user").first().user)
    pupils = Membership.objects.filter(school=school, role=Role.PUPIL).count()

    def get(url, as_client=None):
        return lambda: (as_client or client).get(url)

    pages = {
        "trivial signed-in page (/accounts/)": get("/accounts/"),
        "incident queue": get("/incidents/queue/"),
        "queue with a filter": get(
            "/incidents/queue/?status=open&category=pupil_c&risk_area=contact"
        ),
        "pupil chronology": get(f"/schools/{school.slug}/pupils/{busiest}/incidents/"),
        f"picker search ({pupils:,} pupils)": get(
            f"/incidents/people/?school={school.slug}&people-0-person_search=pupil+0-1"
        ),
        "picker search by class": get(f"/incidents/people/?school={school.slug}&q=year+5+5B"),
        "trust lead's queue (20 schools)": get("/incidents/queue/", lead_client),
    }
    measured = {name: wall_cpu_queries(func, repeat) for name, func in pages.items()}
    trivial, trivial_cpu, trivial_queries = measured.pop("trivial signed-in page (/accounts/)")
    two_pages = "<h1>Minimal</h1><p>One</p><p style='page-break-before: always'>Two</p>"
    minimal_pdf = median_ms(lambda: HTML(string=two_pages).write_pdf(), repeat)
    incident_pdf = median_ms(get(f"/incidents/{incident.pk}/report.pdf"), repeat)
    jobs = {k: v for k, v in registered_jobs().items() if k.startswith("incidents.")}
    like_a_worker()
    try:
        told = Notification.objects.count()
        start = time.perf_counter()
        first = run_sweeps(jobs=jobs)
        first_sweep = time.perf_counter() - start
        emails = Notification.objects.count() - told  # each one's email handed to the broker
        start = time.perf_counter()
        run_sweeps(jobs=jobs)
        steady_sweep = time.perf_counter() - start
    finally:
        purge_broker()  # no worker reads this broker database: drop the queued emails

    print(f"\nIncidents: {Incident.objects.count():,} in {School.objects.count()} schools")
    print(
        f"Trivial signed-in page: {trivial:.1f} ms (median of {repeat}), "
        f"CPU {trivial_cpu:.1f} ms, {trivial_queries} queries"
    )
    for name, (ms, cpu, queries) in measured.items():
        ok = "OK" if ms <= 3 * trivial else "OVER"
        print(
            f"{name:32} {ms:8.1f} ms  = {ms / trivial:4.1f}x trivial  (target 3x) {ok}; "
            f"CPU {cpu:5.1f} ms = {cpu / trivial_cpu:4.1f}x; {queries} queries"
        )
    ok = "OK" if incident_pdf <= 1.5 * minimal_pdf else "OVER"
    print(
        f"{'incident PDF':24} {incident_pdf:8.1f} ms  = {incident_pdf / minimal_pdf:4.1f}x "
        f"a minimal 2-page WeasyPrint PDF ({minimal_pdf:.1f} ms) (target 1.5x) {ok}"
    )
    print(
        f"sweep, first run: {first_sweep:.2f} s ({first.actions_taken} actions, "
        f"{emails} emails handed to the broker); "
        f"steady state: {steady_sweep:.2f} s (target 5 s)"
    )


def wall_cpu_queries(func, repeat: int) -> tuple[float, float, int]:
    """The median wall-clock and CPU time of a request (the test client runs the server in
    this process, so CPU time is the server's work without the waits of a loaded
    machine) and its number of queries."""
    from django.db import connection

    func()  # warm up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        func()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), len(queries)


def as_seeded():
    """Undo what earlier sweeps did, so every run measures a first sweep over the same
    rows: the notifications, reminders, escalations and their history go; the incidents
    waiting to be acknowledged that were not seeded as due get an hour again (as at
    seeding: otherwise each hour after seeding turns 2,000 more into escalations)."""
    from django.db import connection
    from django.utils import timezone

    from esafety.models import Notification, SweepAction, SweepRun
    from incidents.models import ActionKind, Incident, Status, TimelineEntry

    SweepAction.objects.filter(job__startswith="incidents.").delete()
    SweepRun.objects.all().delete()
    Notification.objects.all().delete()
    TimelineEntry.objects.exclude(kind=ActionKind.ACTION).delete()
    TimelineEntry.history.all().delete()
    Incident.history.all().delete()
    Incident.objects.exclude(escalated_at=None, trust_escalated_at=None).update(
        escalated_at=None, escalated_to=None, trust_escalated_at=None, trust_escalated_to=None
    )
    # Seeded as not due: a review result recorded.
    Incident.objects.filter(status=Status.REPORTED).exclude(review_result="").update(
        acknowledge_by=timezone.now() + timedelta(hours=1)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def match_production_settings():
    """The planner settings docker-compose.yml gives PostgreSQL (SSD costs, no JIT: its
    compile time dwarfed the queue's counting query), so the bench measures what runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        for setting in ("jit = off", "random_page_cost = 1.1", "effective_io_concurrency = 200"):
            cursor.execute(f"ALTER DATABASE {connection.settings_dict['NAME']} SET {setting}")
            cursor.execute(f"SET {setting}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    set_up("esafety_bench")
    match_production_settings()
    seed(args.incidents)
    seed_picker_school()
    as_seeded()
    measure(args.repeat)


if __name__ == "__main__":
    main()
