"""Training benchmark on PostgreSQL: 20 schools x 150 staff and 12 trustees, 12
requirements, 5 years of records.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench_t \
        .venv/bin/python bench/training.py [--schools 20] [--staff 150] [--repeat 15]

Creates (or reuses) the database named in DATABASE_URL and seeds it once. Then, in one run:

- one school's matrix page and the trust-wide trustee figures (cached; after one
  school's figures went stale, the usual case; and with nothing cached), each beside a
  trivial signed-in page. Target: within 3x.
- recording a 150-person session. Target: under 1 s.
- the training sweep over the whole trust (first run, then steady state). Target: 5 s.
"""

import argparse
import datetime
import random
import time

from common import like_a_worker, median_cpu_ms, median_ms, purge_broker, set_up

TRUSTEES = 12
YEARS = 5


def seed(schools: int, staff_per_school: int):
    from django.db import connection
    from django.utils import timezone

    from esafety.models import Membership, Role, School, StaffType, Trust, TrusteeMembership, User
    from training.models import Requirement, TrainingRecord
    from training.standard import install_standard_requirements

    if School.objects.filter(slug__startswith="tbench-").count() >= schools:
        print(f"Reusing {schools} schools already seeded.")
        return
    print(f"Seeding {schools} schools x {staff_per_school} staff ...", flush=True)
    started = time.perf_counter()
    rng = random.Random(7)
    today = timezone.localdate()
    joined = today - datetime.timedelta(days=365 * YEARS + 30)
    trust = Trust.objects.create(name="Training Bench Trust")
    trustees = User.objects.bulk_create(
        User(email=f"t{n}@tbench.example", full_name=f"Trustee {n}", password="!")
        for n in range(TRUSTEES)
    )
    TrusteeMembership.objects.bulk_create(
        TrusteeMembership(user=u, trust=trust, is_chair=n == 0, started_on=joined)
        for n, u in enumerate(trustees)
    )
    for s in range(schools):
        school = School.objects.create(trust=trust, name=f"TBench School {s}", slug=f"tbench-{s}")
        staff = User.objects.bulk_create(
            User(email=f"s{s}-{n}@tbench.example", full_name=f"Staff {s}-{n}", password="!")
            for n in range(staff_per_school)
        )
        roles = [Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN]
        Membership.objects.bulk_create(
            Membership(
                user=u,
                school=school,
                role=roles[n] if n < 3 else Role.STAFF,
                staff_type="" if n < 3 else StaffType.TEACHER,
                started_on=joined,
            )
            for n, u in enumerate(staff)
        )
        requirements = install_standard_requirements(school, by=staff[0])
        for k in range(12 - len(requirements)):
            requirements.append(
                Requirement.objects.create(
                    school=school,
                    title=f"School course {k}",
                    audience_roles=["staff"],
                    renew_months=12,
                )
            )
        people = staff + (trustees if s == 0 else [])
        records = []
        for requirement in requirements:
            for person in people:
                for year in range(YEARS):
                    if rng.random() < 0.85:
                        day = today - datetime.timedelta(days=365 * year + rng.randint(0, 300))
                        records.append(
                            TrainingRecord(
                                school=school,
                                person=person,
                                requirement=requirement,
                                title=requirement.title,
                                completed_on=day,
                                recorded_by=staff[1],
                                verified_by=staff[1] if rng.random() < 0.9 else None,
                                verified_at=timezone.now(),
                            )
                        )
        TrainingRecord.objects.bulk_create(records, batch_size=5000, ignore_conflicts=True)
        print(f"  school {s + 1}/{schools} ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(repeat: int):
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from esafety import figures
    from esafety.models import Role, School, TrusteeMembership, User
    from esafety.testing import sign_in

    settings.ALLOWED_HOSTS = ["testserver"]
    school = School.objects.get(slug="tbench-0")
    officer = User.objects.get(memberships__school=school, memberships__role=Role.ESAFETY_OFFICER)
    trustee = TrusteeMembership.objects.filter(trust=school.trust, is_chair=False).first().user
    officer_client = sign_in(Client(), officer)
    trustee_client = sign_in(Client(), trustee)
    trivial = median_ms(lambda: officer_client.get("/accounts/"), repeat)
    trivial_cpu = median_cpu_ms(lambda: officer_client.get("/accounts/"), repeat)
    print(
        f"Trivial signed-in page: {trivial:.1f} ms, CPU {trivial_cpu:.1f} ms (medians of {repeat})"
    )
    pages = [
        (
            "matrix (one school)",
            officer_client,
            reverse("training-matrix", args=[school.slug]),
            False,
        ),
        ("trustee figures, cached", trustee_client, reverse("training-figures"), False),
        ("trustee figures, 1 school new", trustee_client, reverse("training-figures"), "one"),
        ("trustee figures, all cold", trustee_client, reverse("training-figures"), "all"),
    ]
    for name, client, url, cold in pages:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

        def get(client=client, url=url, cold=cold):
            if cold == "all":
                cache.clear()
            elif cold == "one":  # the usual case: a record changed one school's figures
                figures.invalidate(figure="training.compliance", schools=[school.pk])
            client.get(url)

        ms = median_ms(get, repeat)
        cpu = median_cpu_ms(get, repeat)
        ok = "OK" if ms <= 3 * trivial else "OVER"
        print(
            f"{name:28} {ms:8.1f} ms = {ms / trivial:5.1f}x trivial (target 3x) {ok}; "
            f"{len(queries)} queries; CPU {cpu:.1f} ms = {cpu / trivial_cpu:.1f}x"
        )


def record_session():
    from django.utils import timezone

    from esafety.models import Role, School, User
    from training import services
    from training.models import Requirement, TrainingRecord
    from training.status import people_in

    school = School.objects.get(slug="tbench-1")
    officer = User.objects.get(memberships__school=school, memberships__role=Role.ESAFETY_OFFICER)
    requirement = Requirement.objects.get(school=school, code="staff-safeguarding")
    today = timezone.localdate()
    TrainingRecord.objects.filter(requirement=requirement, completed_on=today).delete()
    people = [p.user_id for p in people_in([school.pk], today)[school.pk] if p.roles][:150]
    start = time.perf_counter()
    created = services.record_session(
        school=school, requirement=requirement, people=people, completed_on=today, by=officer
    )
    seconds = time.perf_counter() - start
    ok = "OK" if seconds < 1 else "OVER"
    print(
        f"Session for {len(created)} people recorded in {seconds * 1000:.0f} ms (target 1 s) {ok}"
    )


def sweep(shift_days: int):
    """The first run with this job's once-keys cleared, `shift_days` after today so that
    records done up to 300 days ago (the seed) fall in their reminder windows as they do on
    an ordinary day; then the same day again (steady state), then the next day."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from esafety.models import Notification, SweepAction
    from esafety.sweeps import registered_jobs, run_sweeps

    name = "training.reminders"
    jobs = {name: registered_jobs()[name]}
    cleared, _ = SweepAction.objects.filter(job=name).delete()
    now = timezone.now() + datetime.timedelta(days=shift_days)
    print(f"Sweep clock {shift_days} days ahead; {cleared} earlier once-keys cleared.")
    runs = [("first run", now), ("steady state", now), ("next day", now + datetime.timedelta(1))]
    like_a_worker()
    try:
        for label, moment in runs:
            before = Notification.objects.count()
            start, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                run = run_sweeps(now=moment, jobs=jobs)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            ok = "OK" if seconds < 5 else "OVER"
            print(
                f"Training sweep, whole trust, {label}: {seconds:.2f} s (CPU {cpu:.2f} s), "
                f"{run.actions_taken} actions, {Notification.objects.count() - before} "
                f"notifications, {len(queries)} queries (target 5 s) {ok}"
            )
    finally:
        purge_broker()  # no worker reads this broker database: drop the queued emails


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--staff", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sweep-days", type=int, default=100, help="sweep clock shift")
    parser.add_argument("--only-sweep", action="store_true")
    args = parser.parse_args()
    set_up("esafety_bench_t")
    seed(args.schools, args.staff)
    if not args.only_sweep:
        measure(args.repeat)
        record_session()
    sweep(args.sweep_days)


if __name__ == "__main__":
    main()
