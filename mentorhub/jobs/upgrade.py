"""The migration step that brings job rows under heartbeat liveness.

Before it, a "running" job counted as alive for 17 minutes after it started and a queued one waited for its
message forever. Adding `heartbeat_at` gives every open row the migration's time, so 45-60 s after the release
the sweeper would take them all up again, including one queued months ago whose message was lost (a roster
import applied over today's roster, an automatic match run emailing people). So open rows older than the old
stale limit are failed with a readable reason, and an admin re-runs what is still wanted; younger ones (a job
in flight during the release) are recovered by the sweeper as usual.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import migrations
from django.utils import timezone

OLD_STALE_LIMIT = timedelta(minutes=17)
REASON = "Interrupted before an upgrade of MentorHub; start it again if it is still wanted."


def fail_open_jobs_from_before_upgrade(app_label: str, model_name: str) -> migrations.RunPython:
    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        now = timezone.now()
        # On the migration's own connection: `migrate` may run as the owner (DATABASE_OWNER_URL) while "default"
        # is the application role, which would wait forever on the locks of the owner's open transaction.
        rows = model._default_manager.using(schema_editor.connection.alias)
        rows.filter(status__in=("queued", "running"), created_at__lt=now - OLD_STALE_LIMIT).update(
            status="failed", error=REASON, finished_at=now
        )

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
