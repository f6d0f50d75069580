"""Governance benchmark on PostgreSQL: a trust of 20 schools with 100,000 incidents.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench_g \
        .venv/bin/python bench/governance.py [--incidents 100000] [--repeat 9]

Seeds once (the incident benchmark's 20 schools and incidents, reused from
bench/incidents.py, then acknowledgements, referrals, each school's standard documents and
training requirements, 30 risks and 40 devices), and reports in one run, as the chair of
trustees:

- the trust-wide dashboard (all 20 schools, this academic year), beside the trivial
  signed-in page /accounts/ measured in the same run (target: within 3x). The figures
  come from the cached figures layer: each app's roll-up per school and month, recomputed
  lazily when a change invalidates it; the first view after a change pays for it, so that
  is printed too (every figure of every school cold);
- the trust's termly report PDF (target: under 3 s), with the figures cached and the PDF
  rendered afresh each time.

Not a timed test: run it by hand and read the figures.
"""

import argparse
import importlib.util
import random
import time
from datetime import timedelta
from pathlib import Path

from common import median_ms, set_up


def _incident_bench():
    path = Path(__file__).with_name("incidents.py")
    spec = importlib.util.spec_from_file_location("bench_incidents", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed(total: int):
    from django.db import connection
    from django.utils import timezone

    from agreements import services as agreements
    from agreements.starter import install_standard_documents
    from esafety import figures
    from esafety.models import Role, School, TrusteeMembership, User
    from incidents.models import Incident, Referral
    from risks.models import Matrix, Risk
    from training.standard import install_standard_requirements

    _incident_bench().seed(total)
    if TrusteeMembership.objects.exists():
        print("Reusing the governance data already seeded.")
        return
    started = time.perf_counter()
    print("Seeding acknowledgements, referrals, documents, training, risks, devices ...")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET acknowledged_at = reported_at + "
            "((id % 600) * interval '1 minute') WHERE status <> 'reported'"
        )
        cursor.execute(
            "UPDATE incidents_incident SET escalated_at = acknowledge_by "
            "WHERE id % 40 = 0 AND status <> 'reported'"
        )
    rng = random.Random(7)
    schools = list(School.objects.filter(slug__startswith="bench-").order_by("pk"))
    trust = schools[0].trust
    chair = User.objects.create(email="chair@bench.example", full_name="Chair", password="!")
    TrusteeMembership.objects.create(user=chair, trust=trust, is_chair=True)
    matrix = Matrix.objects.filter(trust=None, is_current=True).first()
    today = timezone.localdate()
    for school in schools:
        head = User.objects.get(memberships__school=school, memberships__role=Role.HEADTEACHER)
        ids = list(
            Incident.objects.filter(school=school).order_by("pk").values_list("pk", flat=True)[::50]
        )
        Referral.objects.bulk_create(
            Referral(
                incident_id=pk,
                agency=rng.choice(["police", "ceop", "social_care", "provider"]),
                referred_on=today - timedelta(days=rng.randint(0, 700)),
                made_by=head,
            )
            for pk in ids
        )
        for document in install_standard_documents(school, by=head):
            draft = document.versions.get()
            agreements.head_sign_off(version=draft, by=head)
            agreements.approve(version=draft, by=head)
        install_standard_requirements(school, by=head)
        risks = []
        for n in range(30):
            likelihood, impact = rng.randint(1, 3), rng.randint(1, 3)
            band = matrix.band(likelihood * impact)
            risks.append(
                Risk(
                    school=school,
                    number=n + 1,
                    title=f"Bench risk {n}",
                    description="A benchmark risk.",
                    category="content",
                    matrix=matrix,
                    inherent_likelihood=3,
                    inherent_impact=3,
                    inherent_score=9,
                    likelihood=likelihood,
                    impact=impact,
                    score=likelihood * impact,
                    band=band["label"],
                    band_rank=matrix.bands.index(band),
                    review_due=today + timedelta(days=rng.randint(-30, 300)),
                )
            )
        Risk.objects.bulk_create(risks)
        _devices(school, rng)
    figures.invalidate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  done ({time.perf_counter() - started:.0f} s)")


def _devices(school, rng):
    from devices.models import Device

    Device.objects.bulk_create(
        Device(
            school=school,
            asset_tag=f"{school.slug}-{n:03d}",
            kind="laptop",
            make_model="Bench laptop",
            serial=f"B{school.pk}-{n}",
        )
        for n in range(40)
    )


def measure(repeat: int):
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from esafety.models import School, TrusteeMembership
    from esafety.testing import sign_in
    from governance import services
    from governance.pdf import draft_pdf
    from governance.terms import term_on
    from incidents.models import Incident

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PDF_CACHE_SECONDS = 0  # render the PDF afresh every time
    membership = TrusteeMembership.objects.select_related("user", "trust").get(is_chair=True)
    chair, trust = membership.user, membership.trust
    client = sign_in(Client(), chair)
    dashboard = f"/governance/trusts/{trust.pk}/?period=year"
    assert client.get(dashboard).status_code == 200

    def cold():
        cache.clear()
        sign_in(client, chair)  # the session lives in the database; the cache held figures
        return client.get(dashboard)

    from esafety import figures

    one = School.objects.filter(slug="bench-0").values_list("pk", flat=True)

    def after_one_change():
        figures.invalidate(model=Incident, schools=list(one))  # as saving an incident does
        return client.get(dashboard)

    trivial = median_ms(lambda: client.get("/accounts/"), repeat)
    warm = median_ms(lambda: client.get(dashboard), repeat)
    changed = median_ms(after_one_change, max(3, repeat // 3))
    first = median_ms(cold, max(3, repeat // 3))
    client.get(dashboard)  # warm the figures again for the report
    report = services.start_report(
        trust=trust, school=None, term=term_on(timezone.localdate()), by=chair
    )
    started = time.perf_counter()
    pdf = draft_pdf(report)
    first_pdf = time.perf_counter() - started
    pdf_ms = median_ms(lambda: draft_pdf(report), max(3, repeat // 3))

    print(
        f"\n{Incident.objects.count():,} incidents in {School.objects.count()} schools; "
        f"the chair of trustees, this academic year"
    )
    print(f"trivial signed-in page (/accounts/): {trivial:8.1f} ms (median of {repeat})")
    ok = "OK" if warm <= 3 * trivial else "OVER"
    print(
        f"trust dashboard, figures cached:     {warm:8.1f} ms = {warm / trivial:4.1f}x trivial "
        f"(target 3x) {ok}"
    )
    print(f"trust dashboard, one school changed: {changed:8.1f} ms (an incident saved there)")
    print(f"trust dashboard, every figure cold:  {first:8.1f} ms (after a change everywhere)")
    ok = "OK" if pdf_ms <= 3000 else "OVER"
    print(
        f"trust termly report PDF:             {pdf_ms:8.1f} ms (first {first_pdf * 1000:.0f} ms, "
        f"{len(pdf) // 1024} KB) (target 3 s) {ok}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    set_up("esafety_bench_g")
    seed(args.incidents)
    measure(args.repeat)


if __name__ == "__main__":
    main()
