"""Where one landing page's time goes right after another person's write, and cold:
cProfile of the request and its queries, for finding what to make cheaper.

    DATABASE_URL=postgres://esafety@127.0.0.1:5432/esafety_bench_e CACHE_URL=... \
        .venv/bin/python bench/profile_page.py officer / [--cold] [--top 30]
"""

import argparse
import cProfile
import os
import pstats
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings_pages")

from common import celery_worker, set_up
from pages_after_write import someone_writes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("persona")
    parser.add_argument("url")
    parser.add_argument("--cold", action="store_true", help="the whole cache flushed first")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    set_up("esafety_bench_e")
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pages import people

    from esafety.testing import sign_in

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off
    settings.ALLOWED_HOSTS = ["testserver"]
    school, who = people()
    client = sign_in(Client(), who[args.persona])
    writes = someone_writes(school, who)
    client.get(args.url)
    profile = cProfile.Profile()
    with celery_worker():
        for _ in range(args.rounds):
            if args.cold:
                cache.clear()
            else:
                next(writes)()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                profile.enable()
                client.get(args.url)
                profile.disable()
                ms = (time.perf_counter() - started) * 1000
            print(f"{ms:.1f} ms, {len(queries)} queries")
            for q in queries.captured_queries:
                print(f"  {q['time']}  {q['sql'][:150]}")
            time.sleep(3)  # the worker counts again, as between two people's visits
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
