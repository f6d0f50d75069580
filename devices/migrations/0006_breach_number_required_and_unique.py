from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0005_fill_breach_numbers_and_deadlines"),
    ]

    operations = [
        migrations.AlterField(
            model_name="breach",
            name="ico_deadline",
            field=models.DateTimeField(editable=False, verbose_name="ICO deadline"),
        ),
        migrations.AlterField(
            model_name="breach",
            name="number",
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name="historicalbreach",
            name="ico_deadline",
            field=models.DateTimeField(editable=False, verbose_name="ICO deadline"),
        ),
        migrations.AlterField(
            model_name="historicalbreach",
            name="number",
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="breach",
            constraint=models.UniqueConstraint(
                fields=("school", "number"), name="one_breach_number_per_school"
            ),
        ),
    ]
