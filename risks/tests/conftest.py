import pytest

from incidents.models import IncidentTag
from risks.models import SEED_BANDS, Matrix


@pytest.fixture
def data_migrations():
    """What the data migrations add: transactional tests (a browser, a real server) empty
    every table between tests, those rows included."""
    Matrix.objects.get_or_create(
        trust=None, is_current=True, defaults={"name": "3 x 3", "size": 3, "bands": SEED_BANDS}
    )
    IncidentTag.objects.get_or_create(
        school=None, slug="filtering-breach", defaults={"name": "Filtering breach"}
    )
