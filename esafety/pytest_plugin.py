"""Fixtures shared by every app's tests (loaded with `-p esafety.pytest_plugin`)."""

import os

import pytest


@pytest.fixture
def personas(db):
    from esafety.testing import make_personas

    return make_personas()


def require_service(reason: str):
    """Skip on a laptop without the service; fail in CI (ESAFETY_REQUIRE_SERVICES=1)."""
    if os.environ.get("ESAFETY_REQUIRE_SERVICES") == "1":
        pytest.fail(f"Required service not available: {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_service_fn():
    return require_service
