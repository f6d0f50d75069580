"""The demo has devices, a loan waiting for the demo parent, a held phone and a breach."""

from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import SignRequest
from devices.models import Breach, Confiscation, Device, Loan

pytestmark = pytest.mark.django_db


def test_demo_devices_are_there_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo", stdout=StringIO())
    first = [m.objects.count() for m in (Device, Loan, Confiscation, Breach)]
    call_command("seed_demo", stdout=StringIO())
    assert (
        [m.objects.count() for m in (Device, Loan, Confiscation, Breach)] == first == [20, 2, 2, 2]
    )
    assert SignRequest.objects.filter(
        person__email="parent@brookfield.example", document__title__startswith="Device loan"
    ).exists()
