"""Count every figure that is not fresh, for every school: run after a deploy or a cache
flush (docker-compose's release step does), so the first readers find them ready."""

import time

from django.core.management.base import BaseCommand

from esafety.figures_refresh import refresh_stale


class Command(BaseCommand):
    help = "Count the figures every school's pages show, before readers need them."

    def handle(self, *args, **options):
        start = time.perf_counter()
        counted = refresh_stale()
        took = time.perf_counter() - start
        schools = max(counted.values(), default=0)
        self.stdout.write(
            f"Counted {len(counted)} figures for up to {schools} schools in {took:.1f} s."
        )
