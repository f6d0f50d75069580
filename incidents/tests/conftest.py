import datetime

import pytest

from esafety.models import TrustLead
from esafety.testing import UserFactory


@pytest.fixture
def trust_lead(personas):
    """The trust's safeguarding lead (a trust role, not a school one)."""
    user = UserFactory(full_name="Lee Trustlead")
    TrustLead.objects.create(
        user=user, trust=personas.school.trust, started_on=datetime.date(2025, 9, 1)
    )
    return user
