"""The Celery app. Configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

from mentorhub.ops.metrics.tasks import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")

app = Celery("mentorhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task durations and failures (metrics), task ids on log lines, the worker's metrics endpoint (mentorhub/ops).
connect_celery_signals()
