# People's data rights (docs/privacy.md): when a roster entry was erased, and how many months after leaving
# retention erases a leaver's personal data (default 24; 0 = never automatically).

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_directory_organization_directory_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="employee",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="retention_months",
            field=models.PositiveSmallIntegerField(
                default=24,
                help_text="Months after someone leaves before their personal data is erased; 0: never automatically.",
                validators=[django.core.validators.MaxValueValidator(120)],
            ),
        ),
    ]
