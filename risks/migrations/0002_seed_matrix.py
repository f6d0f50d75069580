from django.db import migrations

# The seed's matrix: likelihood 1-3 x impact 1-3, score = product; LOW 1-2, MEDIUM 3-4,
# HIGH 6-9. Only the headteacher accepts a HIGH risk; HIGH risks are reviewed every term.
SEED_BANDS = [
    {"label": "LOW", "max": 2, "head_only": False, "review_months": 12},
    {"label": "MEDIUM", "max": 4, "head_only": False, "review_months": 12},
    {"label": "HIGH", "max": 9, "head_only": True, "review_months": 4},
]


def add_default_matrix(apps, schema_editor):
    Matrix = apps.get_model("risks", "Matrix")
    if not Matrix.objects.filter(trust__isnull=True, is_current=True).exists():
        Matrix.objects.create(name="3 x 3 (the policy's matrix)", size=3, bands=SEED_BANDS)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]
    operations = [migrations.RunPython(add_default_matrix, migrations.RunPython.noop)]
