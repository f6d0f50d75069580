from django.db import migrations

DEFAULT_TAGS = [
    ("bullying", "Bullying", False),
    ("sharing-nudes", "Sharing nudes and semi-nudes", True),
    ("grooming", "Grooming", False),
    ("radicalisation", "Radicalisation / Prevent", False),
    ("hate", "Hate", False),
    ("harmful-content", "Harmful content", False),
    ("self-harm", "Self-harm", False),
    ("gambling", "Gambling", False),
    ("filtering-breach", "Filtering breach", False),
    ("device-misuse", "Device misuse", False),
    ("data-breach", "Data breach", False),
    ("other", "Other", False),
]


def add_tags(apps, schema_editor):
    IncidentTag = apps.get_model("incidents", "IncidentTag")
    for slug, name, forbids_images in DEFAULT_TAGS:
        IncidentTag.objects.get_or_create(
            school=None, slug=slug, defaults={"name": name, "forbids_images": forbids_images}
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
