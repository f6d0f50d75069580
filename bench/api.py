"""The API under a monitoring product's load, on PostgreSQL and gunicorn (2 workers) with
a Celery worker, as production runs it.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench_api \
        CELERY_BROKER_URL=redis://127.0.0.1:6379/8 CACHE_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/api.py [--alerts 1000] [--clients 20] [--seconds 60]

Seeds once one school of 1,500 pupils (each with an MIS reference). Then 20 clients send
1,000 alerts in a minute about 150 pupils in 4 categories (so most are repeats that fold
into an open incident), each request timed, while one more client asks the trivial
authenticated call (GET /api/v1/key/) at the same pace. Reports errors, the medians and
p95s side by side, and the incidents and alerts made. Target (issue 27): 0 errors,
duplicates folded, the alert's median within 3x the trivial call's.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings_pages")

from common import celery_worker, set_up

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PUPILS, CATEGORIES = 150, ["Cyberbullying", "Self-harm", "Adult content", "Gambling"]


def seed(pupils: int):
    import importlib.util

    from django.db import connection

    from esafety.models import Role, School, Trust, User

    if School.objects.filter(slug="bench-0").exists():
        return School.objects.get(slug="bench-0")
    spec = importlib.util.spec_from_file_location("bench_agreements", BENCH / "agreements.py")
    agreements = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreements)
    trust = Trust.objects.create(name="Bench Trust")
    chair = User.objects.create(email="chair@bench.example", full_name="Bench Chair")
    agreements.seed_school(trust, 0, pupils, chair, random.Random(42))
    school = School.objects.get(slug="bench-0")
    with connection.cursor() as cursor:  # the MIS references, in one statement
        cursor.execute(
            "UPDATE esafety_membership m SET external_id = 'MIS' || lpad(r.n::text, 5, '0') "
            "FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM esafety_membership"
            " WHERE school_id = %s AND role = %s) r WHERE m.id = r.id",
            [school.pk, Role.PUPIL],
        )
    return school


def a_key(school) -> str:
    from esafety.api.tokens import make_token
    from esafety.models import Role, User

    technician = User.objects.filter(
        memberships__school=school, memberships__role=Role.TECHNICIAN
    ).first()
    return make_token(
        school=school, name="Bench monitoring", scopes=["monitoring.alerts"], by=technician
    )[1]


def timed(url, key, payload=None) -> tuple[float, int]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as answer:
        status = answer.code
    except OSError:
        status = 0
    return (time.perf_counter() - start) * 1000, status


def run(base, key, alerts, clients, seconds):
    rng = random.Random(7)
    payloads = [
        {
            "pupil": f"MIS{rng.randrange(PUPILS):05d}",
            "occurred_at": "2026-12-07T09:15:00+00:00",
            "category": rng.choice(CATEGORIES),
            "severity": rng.choice(["low", "medium", "high"]),
            "description": "Searched for something the filter blocked (bench).",
        }
        for _ in range(alerts)
    ]
    gap = seconds * clients / alerts  # each client's pace
    results = {"alert": [], "trivial": []}
    lock = threading.Lock()

    def client(items):
        for payload in items:
            started = time.perf_counter()
            got = timed(f"{base}/api/v1/monitoring-alerts/", key, payload)
            with lock:
                results["alert"].append(got)
            time.sleep(max(0.0, gap - (time.perf_counter() - started)))

    def trivial(count):
        for _ in range(count):
            started = time.perf_counter()
            got = timed(f"{base}/api/v1/key/", key)
            with lock:
                results["trivial"].append(got)
            time.sleep(max(0.0, gap - (time.perf_counter() - started)))

    threads = [
        threading.Thread(target=client, args=(payloads[n::clients],)) for n in range(clients)
    ]
    threads.append(threading.Thread(target=trivial, args=(alerts // clients,)))
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def report(results, elapsed, alerts_before, incidents_before):
    from incidents.models import Incident, MonitoringAlert

    def summary(rows):
        times = sorted(ms for ms, _ in rows)
        return statistics.median(times), times[int(len(times) * 0.95) - 1]

    alert_median, alert_p95 = summary(results["alert"])
    trivial_median, trivial_p95 = summary(results["trivial"])
    errors = [status for _, status in results["alert"] if status != 201]
    made = MonitoringAlert.objects.count() - alerts_before
    incidents = Incident.objects.count() - incidents_before
    print(f"{len(results['alert'])} alerts in {elapsed:.1f} s; errors: {len(errors)} {errors[:5]}")
    print(f"alerts kept: {made}; incidents raised: {incidents} (the rest folded)")
    print(f"alert  median {alert_median:6.1f} ms, p95 {alert_p95:6.1f} ms")
    print(f"trivial median {trivial_median:6.1f} ms, p95 {trivial_p95:6.1f} ms (GET /api/v1/key/)")
    print(f"ratio of medians: {alert_median / trivial_median:.1f}x (target 3x)")


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    set_up("esafety_bench_api")
    from django.conf import settings

    from incidents.models import Incident, MonitoringAlert

    school = seed(1500)
    key = a_key(school)
    port = "8765"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
        "API_RATE": "100000/minute",
    }
    command = [Path(sys.executable).parent / "gunicorn", "esafety.wsgi", f"--bind=127.0.0.1:{port}"]
    command += ["--workers=2", "--config=python:esafety.gunicorn_conf"]
    alerts_before, incidents_before = MonitoringAlert.objects.count(), Incident.objects.count()
    with celery_worker(**env):
        server = subprocess.Popen(command, cwd=REPO, env=env)
        try:
            for _ in range(120):
                if timed(f"http://127.0.0.1:{port}/api/v1/key/", key)[1] == 200:
                    break
                time.sleep(0.5)
            results, elapsed = run(
                f"http://127.0.0.1:{port}", key, args.alerts, args.clients, args.seconds
            )
        finally:
            server.terminate()
            server.wait()
    report(results, elapsed, alerts_before, incidents_before)


if __name__ == "__main__":
    main()
