"""What every benchmark shares: a PostgreSQL database of its own, migrated, and medians.

Imported by the scripts in bench/ (run as `python bench/<name>.py`, which puts bench/ on
the path); it puts the repository on the path and picks the test settings."""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esafety.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
        # As docker-compose runs PostgreSQL in production (SSD storage; see the README).
        cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
        cursor.execute(f'ALTER DATABASE "{name}" SET jit = off')
    conn.close()


def set_up(example_name: str) -> None:
    """Create the database named in DATABASE_URL if needed, start Django and migrate."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(f"Set DATABASE_URL to a PostgreSQL database, e.g. .../{example_name}")
    ensure_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def median_ms(func, repeat: int) -> float:
    func()  # warm up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)
