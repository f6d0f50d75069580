"""Existing breaches: numbered 1, 2, 3... within each school in the order they were
recorded (they were numbered across the trust), and their ICO deadline stored.

The deadline rule is copied here as it stood (a migration must not change when the app's
code does): 72 hours, never later than the same clock time three days on."""

import zoneinfo
from datetime import UTC, timedelta

from django.conf import settings
from django.db import migrations


def deadline_for(became_aware_at):
    london = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    aware = became_aware_at.astimezone(UTC)
    same_clock = (aware.astimezone(london).replace(tzinfo=None) + timedelta(days=3)).replace(
        tzinfo=london
    )
    return min(aware + timedelta(hours=72), same_clock.astimezone(UTC))


def fill(apps, schema_editor):
    Breach = apps.get_model("devices", "Breach")
    rows = list(Breach.objects.order_by("school_id", "created_at", "pk"))
    numbers = {}
    for breach in rows:
        numbers[breach.school_id] = numbers.get(breach.school_id, 0) + 1
        breach.number = numbers[breach.school_id]
        breach.ico_deadline = deadline_for(breach.became_aware_at)
    Breach.objects.bulk_update(rows, ["number", "ico_deadline"], batch_size=500)
    # The change history keeps each row's number too (a past version names the breach).
    by_id = {breach.pk: breach.number for breach in rows}
    Historical = apps.get_model("devices", "HistoricalBreach")
    past = list(Historical.objects.all())
    for version in past:
        version.number = by_id.get(version.id, 0)
        version.ico_deadline = deadline_for(version.became_aware_at)
    Historical.objects.bulk_update(past, ["number", "ico_deadline"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0004_breach_number_and_ico_deadline"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
