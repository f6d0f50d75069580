import pytest
import time_machine
from django.core.cache import cache

from .data import TODAY, seed_incidents


@pytest.fixture
def seeded(personas):
    """The hand-counted incidents of data.py, on its day, with nothing cached yet."""
    with time_machine.travel(TODAY, tick=False):
        seed_incidents(personas)
        cache.clear()
        yield personas
