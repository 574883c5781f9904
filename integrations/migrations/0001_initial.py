from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: its tables come in the next ones (Slack, Teams, webhooks)."""

    initial = True
    dependencies = [("accounts", "0009_organization_video_link_template")]
    operations: list = []
