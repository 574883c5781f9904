"""Reads of the dashboard pages and their API beyond the reports themselves (analytics.health and
analytics.impact): roll-up runs, when the figures were computed, and which at-risk matches were nudged
today. Every query is scoped by organization in the query itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from mentorhub.accounts.models import Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from sessions.models import Reminder

from .models import ParticipantFact, RollupRun

# A finished run stays on the health page this long, so the admin who started it sees that it is done.
RECENT_RUN = timedelta(minutes=2)


def rollup_runs(*, organization: Organization) -> QuerySet[RollupRun]:
    return scoped(RollupRun, organization).order_by("-created_at", "-id")


def rollup_run_get(*, organization: Organization, run_id: int) -> RollupRun:
    return get_scoped_or_404(RollupRun, organization, pk=run_id)


def rollup_run_to_show(*, organization: Organization, computed_at: datetime | None) -> RollupRun | None:
    """The run the health page tells its admin about: one queued or running; one that failed after the
    figures shown were computed (until a later run succeeds); or one that finished a moment ago."""
    run = rollup_runs(organization=organization).first()
    if run is None:
        return None
    if run.status in (RollupRun.Status.QUEUED, RollupRun.Status.RUNNING):
        return run
    finished = run.finished_at or run.created_at
    if run.status == RollupRun.Status.FAILED and (computed_at is None or finished > computed_at):
        return run
    return run if finished >= timezone.now() - RECENT_RUN else None


def facts_computed_at(*, organization: Organization) -> datetime | None:
    """When the roll-up behind the impact report last ran (None: never)."""
    return scoped(ParticipantFact, organization).aggregate(last=Max("computed_at"))["last"]


def nudged_today(*, organization: Organization, match_ids: list[int], now: datetime | None = None) -> set[int]:
    """The matches an HR admin nudged today (UTC), of these. sessions.services.reminders_nudge_now names the
    day in the reminder's slot ("...#manual-YYYYMMDD"); a second nudge the same day adds nothing."""
    if not match_ids:
        return set()
    now = now or timezone.now()
    return set(
        scoped(Reminder, organization)
        .filter(
            kind=Reminder.Kind.INACTIVITY_NUDGE,
            match_id__in=match_ids,
            slot__endswith=f"#manual-{now.astimezone(UTC):%Y%m%d}",
        )
        .values_list("match_id", flat=True)
        .distinct()
    )
