"""MIS sync benchmark on PostgreSQL: a nightly OneRoster sync of a 1,500-pupil school.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench_roster \
        .venv/bin/python bench/roster_sync.py [--pupils 1500] [--small 300] [--repeat 3]

Each round makes a new fictional school (its own trust) and fills it through the sync
itself: a OneRoster 1.1 bundle of `--pupils` pupils in Years 7-11 with a form each, one
parent each and 100 staff, previewed and approved. Then the night's bundle with 40
changes (20 pupils moved up a year, 10 parents with a new email address, 5 new pupils
with a parent each, 5 pupils gone with their parents) is synced unattended, end to end
(reading the zip, matching, writing, the run's record), timed and its queries counted.
The same is done for a `--small` school: the query count must be the same.
Target: under 10 s for the nightly sync, with a constant number of queries.
"""

import argparse
import statistics
import time
import uuid

from common import set_up

CHANGES = {
    "moved_up": range(0, 40, 2),  # 20 pupils
    "new_emails": range(1, 20, 2),  # 10 parents
    "new_pupils": 5,
    "left": range(100, 105),  # 5 pupils (and their 5 parents)
}


def one_night(pupils: int) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from esafety.models import School, Trust
    from roster import services
    from roster.models import Kind, RosterSource, Status
    from roster.tests.bundles import school_bundle

    tag = uuid.uuid4().hex[:8]
    trust = Trust.objects.create(name=f"Bench Trust {tag}")
    school = School.objects.create(trust=trust, name=f"Bench School {tag}", slug=f"bench-{tag}")
    RosterSource.objects.create(school=school, kind=Kind.BUNDLE)
    domain = f"{tag}.example"
    first = services.sync_bundle(
        school=school,
        data=school_bundle(pupils, staff=100, domain=domain),
        filename="first.zip",
        by=None,
    )
    services.approve_run(run=first, by=None)
    night = school_bundle(pupils, staff=100, domain=domain, **CHANGES)
    with CaptureQueriesContext(connection) as context:
        start = time.perf_counter()
        run = services.sync_bundle(school=school, data=night, filename="night.zip", by=None)
        seconds = time.perf_counter() - start
    assert run.status == Status.APPLIED, run.reason
    return seconds, len(context.captured_queries), run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1500)
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    set_up("esafety_bench_roster")
    timings = []
    for _ in range(args.repeat):
        seconds, queries, run = one_night(args.pupils)
        timings.append(seconds)
    print(
        f"{args.pupils} pupils ({2 * args.pupils + 100} people), 40 changes: "
        f"median {statistics.median(timings):.2f} s over {args.repeat} "
        f"(each: {', '.join(f'{t:.2f}' for t in timings)}), {queries} queries; "
        f"run: {run.joined} joined, {run.changed} changed, {run.left} left, "
        f"{run.unchanged} unchanged, {run.refused} refused"
    )
    small_seconds, small_queries, _ = one_night(args.small)
    print(f"{args.small} pupils, same changes: {small_seconds:.2f} s, {small_queries} queries")
    print("target: under 10 s; queries constant:", "OK" if small_queries == queries else "NO")


if __name__ == "__main__":
    main()
