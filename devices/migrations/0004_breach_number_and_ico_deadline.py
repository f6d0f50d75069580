from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0003_device_scanned_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="breach",
            name="ico_deadline",
            field=models.DateTimeField(editable=False, null=True, verbose_name="ICO deadline"),
        ),
        migrations.AddField(
            model_name="breach",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalbreach",
            name="ico_deadline",
            field=models.DateTimeField(editable=False, null=True, verbose_name="ICO deadline"),
        ),
        migrations.AddField(
            model_name="historicalbreach",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
    ]
