"""bench/pages.py's trust, seeded once: the agreements bench's schools, people and
signatures, the incidents, and the risks, training and devices apps' records in every bench
school as those apps' own benches seed them (so every landing page has its real weight).
A ten-times trust is seeded a school at a time in several processes (`processes`)."""

import importlib.util
import multiprocessing
import random
import time
from datetime import timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent

RISKS, ASSESSMENTS, DEVICES, LOANS, CONFISCATIONS = 300, 3, 2000, 300, 2000
TRAINING_YEARS = 3


def _agreements_bench():
    spec = importlib.util.spec_from_file_location("bench_agreements", BENCH / "agreements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed(schools: int, pupils: int, incidents: int):
    from django.db import connection

    from esafety.models import School, Trust, TrusteeMembership, User
    from incidents.models import Incident

    _agreements_bench().seed(schools, pupils)
    trust = Trust.objects.get(name="Bench Trust")
    if not TrusteeMembership.objects.filter(trust=trust, is_chair=False).exists():
        trustee = User.objects.create(email="trustee@bench.example", full_name="Bench Trustee")
        TrusteeMembership.objects.create(user=trustee, trust=trust)
    analyze = False
    if Incident.objects.count() < incidents:
        print(f"Seeding {incidents:,} incidents ...", flush=True)
        per_school = incidents // schools
        for school in School.objects.filter(slug__startswith="bench-").order_by("pk"):
            _seed_incidents(school, per_school)
        analyze = True
    analyze |= seed_risks_training_devices()
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _seed_incidents(school, count):
    from django.utils import timezone

    from esafety.models import Role, User
    from incidents.models import Incident, IncidentPerson, Status

    rng = random.Random(school.pk)
    now = timezone.now()
    staff = list(
        User.objects.filter(
            memberships__school=school, memberships__role__in=[Role.STAFF, Role.ESAFETY_OFFICER]
        ).order_by("pk")[:12]
    )
    pupils = list(
        User.objects.filter(memberships__school=school, memberships__role=Role.PUPIL).order_by(
            "pk"
        )[:300]
    )
    rows = []
    for n in range(count):
        reported = now - timedelta(minutes=rng.randint(60, 60 * 24 * 720))
        status = rng.choices([Status.REPORTED, Status.OPEN, Status.CLOSED], weights=[1, 19, 80])[0]
        rows.append(
            Incident(
                school=school,
                number=f"{reported.year}-{n + 1:05d}",
                status=status,
                reported_by=staff[n % len(staff)],
                reported_at=reported,
                occurred_at=reported - timedelta(hours=2),
                acknowledge_by=reported + timedelta(hours=1),
                routed_to=staff[0],
                location="online",
                subject="pupil" if n % 500 else "headteacher",
                category=rng.choice(["pupil_a", "pupil_b", "pupil_c", "pupil_d"]),
                risk_area=rng.choice(["content", "contact", "conduct", "commerce"]),
                description="Benchmark incident: messages in a group chat. " * 4,
                review_date=(reported + timedelta(days=30)).date(),
                review_result="Reviewed",
            )
        )
    created = Incident.objects.bulk_create(rows, batch_size=2000)
    IncidentPerson.objects.bulk_create(
        (
            IncidentPerson(incident=i, person=pupils[n % len(pupils)], kind="pupil", part="target")
            for n, i in enumerate(created)
        ),
        batch_size=2000,
    )


def seed_in_processes(schools: int, pupils: int, incidents: int, processes: int) -> None:
    """The same trust, the schools shared among `processes`, each seeded whole before the
    next (run again after an interruption: a half-seeded school is seeded anew). Each step
    commits, so autovacuum keeps the statistics the later steps' queries are planned on."""
    from django.db import connection, connections

    from devices.models import Device

    _bench_trust()
    done = Device.objects.filter(school__slug__startswith="bench-").values("school").distinct()
    done = done.count()
    if done >= schools:
        print(f"Reusing {schools} schools already seeded.")
        return
    print(f"Seeding {schools - done} of {schools} schools in {processes} processes ...")
    connections.close_all()  # each process opens its own
    jobs = [(k, processes, schools, pupils, incidents // schools) for k in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_seed_share, jobs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _seed_share(job) -> None:
    from devices.models import Device
    from esafety.models import School

    k, processes, schools, pupils, per_school = job
    trust, chair = _bench_trust()
    started = time.perf_counter()
    for s in range(k, schools, processes):
        if Device.objects.filter(school__slug=f"bench-{s}").exists():
            continue  # seeded whole (devices come last)
        School.objects.filter(slug=f"bench-{s}").delete()  # half seeded when interrupted
        rng = random.Random(42 + s)
        _agreements_bench().seed_school(trust, s, pupils, chair, rng)
        school = School.objects.get(slug=f"bench-{s}")
        _seed_incidents(school, per_school)
        _seed_risks(school, rng)
        _seed_training(school, rng)
        _seed_devices(school, rng)
        print(f"  school {s + 1}/{schools} ({time.perf_counter() - started:.0f} s)", flush=True)


def _bench_trust():
    """The bench trust, its chair and a trustee (made once)."""
    from esafety.models import Trust, TrusteeMembership, User

    trust, _ = Trust.objects.get_or_create(name="Bench Trust")
    chair, _ = User.objects.get_or_create(
        email="chair@bench.example", defaults={"full_name": "Bench Chair"}
    )
    TrusteeMembership.objects.get_or_create(user=chair, trust=trust, defaults={"is_chair": True})
    trustee, _ = User.objects.get_or_create(
        email="trustee@bench.example", defaults={"full_name": "Bench Trustee"}
    )
    TrusteeMembership.objects.get_or_create(user=trustee, trust=trust)
    return trust, chair


def seed_risks_training_devices() -> bool:
    """The risks, training and devices apps' records in every bench school (as their own
    benches seed them): 300 risks with 3 assessments each and owners and actions; the
    standard training requirements with 3 years of records for every member of staff;
    2,000 devices, 300 loans to pupils and 2,000 confiscations a year. False when done."""
    from devices.models import Device
    from esafety.models import School

    schools = list(School.objects.filter(slug__startswith="bench-").order_by("pk"))
    if Device.objects.filter(school=schools[-1]).exists():
        return False
    print(f"Seeding risks, training and devices in {len(schools)} schools ...", flush=True)
    started = time.perf_counter()
    for n, school in enumerate(schools):
        rng = random.Random(school.pk)
        if not Device.objects.filter(school=school).exists():
            _seed_risks(school, rng)
            _seed_training(school, rng)
            _seed_devices(school, rng)
        print(
            f"  school {n + 1}/{len(schools)} ({time.perf_counter() - started:.0f} s)", flush=True
        )
    return True


def _staff_and_pupils(school):
    from esafety.models import Membership, Role

    members = Membership.objects.filter(school=school).order_by("pk")
    staff = list(
        members.exclude(role__in=[Role.PUPIL, Role.PARENT]).values_list("user_id", flat=True)
    )
    pupils = list(members.filter(role=Role.PUPIL).values_list("user_id", flat=True)[:LOANS])
    return staff, pupils


def _seed_risks(school, rng):
    from django.utils import timezone

    from risks.models import Action, Assessment, Matrix, Risk

    matrix = Matrix.objects.current_for(school.trust_id)
    staff, _ = _staff_and_pupils(school)
    today, now = timezone.localdate(), timezone.now()
    risks = []
    for n in range(RISKS):
        likelihood, impact = rng.randint(1, 3), rng.randint(1, 3)
        band = matrix.band(likelihood * impact)
        risks.append(
            Risk(
                school=school,
                number=n + 1,
                title=f"Bench risk {n}",
                description="A benchmark risk.",
                category=rng.choice(["content", "contact", "conduct", "commerce", "cyber"]),
                matrix=matrix,
                inherent_likelihood=3,
                inherent_impact=3,
                inherent_score=9,
                likelihood=likelihood,
                impact=impact,
                score=likelihood * impact,
                band=band["label"],
                band_rank=matrix.bands.index(band),
                head_only=band["head_only"],
                likelihood_reason="Bench",
                impact_reason="Bench",
                review_due=today + timedelta(days=rng.randint(-30, 300)),
            )
        )
    risks = Risk.objects.bulk_create(risks)
    Owners = Risk.owners.through
    Owners.objects.bulk_create(
        Owners(risk_id=r.pk, user_id=staff[1 + n % 2]) for n, r in enumerate(risks)
    )
    Assessment.objects.bulk_create(
        (
            Assessment(
                risk=r,
                matrix=matrix,
                inherent_likelihood=3,
                inherent_impact=3,
                likelihood=rng.randint(1, 3),
                impact=rng.randint(1, 3),
                likelihood_reason="Bench",
                impact_reason="Bench",
                assessed_at=now - timedelta(days=30 * a),
            )
            for r in risks
            for a in range(ASSESSMENTS)
        ),
        batch_size=5000,
    )
    Action.objects.bulk_create(
        Action(risk=r, text="Bench action", owner_id=staff[3 + n % 17], due_on=today)
        for n, r in enumerate(risks[::3])
    )


def _seed_training(school, rng):
    from django.utils import timezone

    from esafety.models import User
    from training.models import TrainingRecord
    from training.standard import install_standard_requirements

    staff, _ = _staff_and_pupils(school)
    officer = staff[1]
    requirements = install_standard_requirements(school, by=User.objects.get(pk=staff[0]))
    today, now = timezone.localdate(), timezone.now()
    TrainingRecord.objects.bulk_create(
        (
            TrainingRecord(
                school=school,
                person_id=person,
                requirement=requirement,
                title=requirement.title,
                completed_on=today - timedelta(days=365 * year + rng.randint(0, 300)),
                recorded_by_id=officer,
                verified_by_id=officer if rng.random() < 0.9 else None,
                verified_at=now,
            )
            for requirement in requirements
            for person in staff
            for year in range(TRAINING_YEARS)
            if rng.random() < 0.85
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )


def _seed_devices(school, rng):
    from django.utils import timezone

    from devices.models import Confiscation, Device, Encryption, Kind, Loan

    staff, pupils = _staff_and_pupils(school)
    today, now = timezone.localdate(), timezone.now()
    kinds = [Kind.LAPTOP, Kind.DESKTOP, Kind.TABLET, Kind.PHONE, Kind.REMOVABLE]
    devices = Device.objects.bulk_create(
        (
            Device(
                school=school,
                asset_tag=f"B{school.pk}-{n:05d}",
                kind=kinds[n % len(kinds)],
                make_model="Bench model",
                holds_personal_data=rng.random() < 0.6,
                encryption=rng.choice(list(Encryption.values)),
                encryption_method="BitLocker",
                antivirus_updated_on=today - timedelta(days=rng.randint(0, 14)),
                os_checked_on=today - timedelta(days=rng.randint(0, 45)),
                location=f"Room {n % 40}",
            )
            for n in range(DEVICES)
        ),
        batch_size=2000,
    )
    Loan.objects.bulk_create(
        (
            Loan(
                school=school,
                device=devices[n],
                borrower_id=pupil,
                for_pupil=True,
                due_back=today + timedelta(days=rng.randint(-20, 60)),
                created_by_id=staff[2],
                created_at=now - timedelta(days=rng.randint(0, 365)),
                handed_over_at=now - timedelta(days=rng.randint(0, 300)),
            )
            for n, pupil in enumerate(pupils)
        ),
        batch_size=2000,
    )
    Confiscation.objects.bulk_create(
        (
            Confiscation(
                school=school,
                pupil_id=pupils[n % len(pupils)],
                description="Phone",
                reason="In a lesson",
                confiscated_by_id=staff[3 + n % 17],
                confiscated_at=now - timedelta(days=rng.randint(1, 365)),
                released_at=now - timedelta(days=rng.randint(0, 1)),
                released_to="A parent",
            )
            for n in range(CONFISCATIONS)
        ),
        batch_size=2000,
    )
