"""What this app tells the operator's metrics (mentorhub/ops/metrics/registry.py; docs/operations.md), registered
from MentoringSessionsConfig.ready(): how many reminders wait to be sent, and how many of them are due already
(a backlog that grows means the dispatcher or the mail server falls behind)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from mentorhub.db.tenant_scope import all_organizations
from mentorhub.ops.metrics.registry import register_gauge

from .models import Reminder


def reminders_pending() -> dict[tuple[str, ...], int]:
    # Across organizations: the deployment's backlog. Counted on the partial index of pending reminders.
    with all_organizations():
        counts = Reminder.objects.filter(status=Reminder.Status.PENDING).aggregate(
            due=Count("id", filter=Q(due_at__lte=timezone.now())), total=Count("id")
        )
    return {("now",): counts["due"], ("later",): counts["total"] - counts["due"]}


def register() -> None:
    register_gauge(
        "mentorhub_reminders_pending",
        "Reminders not sent yet: due now (the dispatcher's backlog) or later.",
        reminders_pending,
        labels=("due",),
    )
