"""What this app tells the operator's metrics (mentorhub/ops/metrics/registry.py; docs/operations.md), registered
from AnalyticsConfig.ready(): how long ago the roll-ups last completed, for the most recent organization and for
the one waiting longest (the nightly roll-up that stopped shows here before anyone reads an old dashboard)."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from mentorhub.db.tenant_scope import all_organizations
from mentorhub.ops.metrics.registry import register_gauge

from .models import RollupRun


def rollup_ages() -> dict[tuple[str, ...], float] | None:
    with all_organizations():
        last_per_organization = list(
            RollupRun.objects.filter(status=RollupRun.Status.DONE, finished_at__isnull=False)
            .values("organization_id")
            .annotate(last=Max("finished_at"))
            .values_list("last", flat=True)
        )
    if not last_per_organization:
        return None
    now = timezone.now()
    return {
        ("newest",): (now - max(last_per_organization)).total_seconds(),
        ("oldest",): (now - min(last_per_organization)).total_seconds(),
    }


def register() -> None:
    register_gauge(
        "mentorhub_rollup_last_success_age_seconds",
        "Seconds since the last completed roll-up: of the organization rolled up most recently (newest) and of "
        "the one whose last roll-up is oldest (oldest).",
        rollup_ages,
        labels=("which",),
    )
