"""Device pages cost the same number of queries with 10 or 2,000 devices."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devices.models import Device, Encryption, Kind, Loan
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def make_devices(personas, count):
    start = Device.objects.count()
    stale = timezone.localdate() - timedelta(days=40)
    Device.objects.bulk_create(
        Device(
            school=personas.school,
            asset_tag=f"BULK-{start + n:05d}",
            kind=[Kind.LAPTOP, Kind.TABLET, Kind.DESKTOP][n % 3],
            holds_personal_data=n % 2 == 0,
            encryption=[Encryption.NONE, Encryption.PASSWORD, Encryption.FULL_DISK][n % 3],
            encryption_method="BitLocker" if n % 3 == 2 else "",
            antivirus_updated_on=stale if n % 4 == 0 else timezone.localdate(),
            os_checked_on=stale if n % 5 == 0 else timezone.localdate(),
            assigned_to=personas.teacher if n % 7 == 0 else None,
        )
        for n in range(count)
    )
    devices = list(Device.objects.filter(school=personas.school).order_by("-pk")[: count // 10])
    Loan.objects.bulk_create(
        Loan(
            school=personas.school,
            device=d,
            borrower=personas.pupil,
            for_pupil=True,
            due_back=timezone.localdate() - timedelta(days=1),
            created_by=personas.technician,
            handed_over_at=timezone.now(),
        )
        for d in devices
    )


def queries_for(client, url):
    cache.clear()  # the figures are computed on both visits, not read from the first
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("user", "url", "query"),
    [
        ("technician", "devices-inventory", ""),
        ("technician", "devices-inventory", "?kind=laptop&q=BULK&status=in_use"),
        ("technician", "devices-non-compliant", ""),
        ("technician", "devices-check", ""),
        ("technician", "loans", ""),
        ("esafety_officer", "devices-non-compliant", "?page=2"),
    ],
)
def test_device_pages_query_count_does_not_grow(personas, client, user, url, query):
    sign_in(client, getattr(personas, user))
    path = reverse(url, args=[personas.school.slug]) + query
    make_devices(personas, 10)
    small = queries_for(client, path)
    make_devices(personas, 1990)
    large = queries_for(client, path)
    assert small == large, f"{url}: {small} queries with 10 devices, {large} with 2,000"


def test_home_page_query_count_does_not_grow(personas, client):
    sign_in(client, personas.technician)
    make_devices(personas, 10)
    small = queries_for(client, reverse("home"))
    make_devices(personas, 1990)
    large = queries_for(client, reverse("home"))
    assert small == large
