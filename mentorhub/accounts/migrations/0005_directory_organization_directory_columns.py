# Each organization chooses which people-directory columns its members see; existing ones keep every column.

from django.db import migrations, models

import mentorhub.accounts.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_apitoken_expires_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="directory_columns",
            field=models.JSONField(
                blank=True,
                default=mentorhub.accounts.models.default_directory_columns,
                help_text="The people directory's optional columns that members see (DIRECTORY_COLUMNS keys).",
                validators=[mentorhub.accounts.models.validate_directory_columns],
            ),
        ),
    ]
