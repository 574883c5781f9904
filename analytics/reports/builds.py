"""Report builds off the request: no web worker waits seconds for a dashboard's figures.

A report is cached by the organization's roll-up version (impact_cache_key, health_cache_key), so a roll-up
makes every cached figure stale at once. Building one can take seconds (the impact report: 3.7 s at 50,000
employees), so pages and the API never build it themselves:

- right after a roll-up the task warms the views the dashboards open by default (`reports_warm`): the impact
  report for everyone, program health for all programs and for each program with figures;
- any other selection that misses the cache is claimed in the cache (`cache.add`, atomic in Redis: two visitors,
  one build) and built by the `analytics.build_report` task, while the page says the figures are being prepared
  and polls for them (htmx), and the API answers 202 with Retry-After;
- the claim lasts as long as a build may run (its hard time limit), so a build lost with its worker is queued
  again by the next poll after that; a build that failed leaves a "failed" mark for a minute, which the page
  and the API report instead of queueing it again on every poll.

With tasks run eagerly (the embedded default, and the test suite) the build runs inside `.delay()`, and the
page has its figures at once, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from celery.exceptions import OperationalError
from django.core.cache import cache

from mentorhub.accounts.models import Organization

from ..models import ParticipantFact
from ..selectors import analytics_rows
from .health import CACHE_SECONDS as HEALTH_CACHE_SECONDS
from .health import HealthFilters, HealthReport, build_health_report, health_cache_key
from .impact import CACHE_SECONDS as IMPACT_CACHE_SECONDS
from .impact import ImpactFilters, ImpactReport, build_impact_report, impact_cache_key, report_day

logger = logging.getLogger(__name__)

Kind = Literal["impact", "health"]
Filters = ImpactFilters | HealthFilters
Report = ImpactReport | HealthReport

# The build task's limits (analytics/tasks.py): the impact report at 50,000 employees takes about 4 s. A claim
# outlives any build that still runs; a build whose message was lost (not redelivered) is queued again by the
# first poll after it expires.
BUILD_SOFT_TIME_LIMIT = 120
BUILD_TIME_LIMIT = 150
CLAIM_SECONDS = BUILD_TIME_LIMIT + 30
BUILDING, FAILED = "building", "failed"
FAILED_SECONDS = 60
RETRY_AFTER_SECONDS = 2  # the API's Retry-After; the pages poll at the same pace (hx-trigger="every 2s")


@dataclass(frozen=True)
class Preparing:
    """The figures are not in the cache yet: a task is building them, or (failed) its last build failed."""

    failed: bool = False


def impact_or_preparing(*, organization: Organization, filters: ImpactFilters) -> ImpactReport | Preparing:
    """The cached report of these filters, or Preparing (its build claimed and queued, or in flight)."""
    report = _cached_or_queued("impact", organization, filters)
    assert isinstance(report, ImpactReport | Preparing)
    return report


def health_or_preparing(*, organization: Organization, filters: HealthFilters) -> HealthReport | Preparing:
    """The cached report of these filters, or Preparing (its build claimed and queued, or in flight)."""
    report = _cached_or_queued("health", organization, filters)
    assert isinstance(report, HealthReport | Preparing)
    return report


def reports_warm(*, organization: Organization) -> int:
    """After a roll-up: queue the builds of the views the dashboards (and the API without parameters) open by
    default. Returns how many builds it queued (a view cached, or claimed by a visitor already, is left alone)."""
    programs = analytics_rows(ParticipantFact, organization).order_by("program_id").values_list("program_id", flat=True)
    views: list[tuple[Kind, Filters]] = [("impact", ImpactFilters()), ("health", HealthFilters())]
    views += [("health", HealthFilters(program_id=pk)) for pk in programs.distinct()]
    return sum(_cached_or_queued(kind, organization, filters, eager_result=False) is None for kind, filters in views)


def report_build(*, organization_id: int, kind: Kind, filters: dict[str, Any], cache_key: str = "") -> bool:
    """The task's work: build the report of these filters and cache it, unless it is cached already (a second
    delivery). Returns whether it built one.

    `cache_key` is the key the sender claimed: a roll-up landing between the claim and the build changes the
    key the filters map to, and the build must release the claim it was sent for, not someone else's."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return False
    parsed = _filters_from_json(kind, filters)
    key = cache_key or _cache_key(kind, organization, parsed)
    claim = _claim_key(key)
    if cache.get(key) is not None:
        cache.delete(claim)
        return False
    built = False
    try:
        if kind == "impact":
            assert isinstance(parsed, ImpactFilters)
            report: Report = build_impact_report(organization=organization, filters=parsed, today=report_day())
        else:
            assert isinstance(parsed, HealthFilters)
            report = build_health_report(organization=organization, filters=parsed)
        cache.set(key, report, IMPACT_CACHE_SECONDS if kind == "impact" else HEALTH_CACHE_SECONDS)
        built = True
    finally:
        if built:
            cache.delete(claim)
        else:
            # Failed (Celery logs why): pages and the API say so for a minute, instead of queueing the same
            # failure again on every poll.
            cache.set(claim, FAILED, FAILED_SECONDS)
    return True


# --- Claims and the task ---------------------------------------------------------------------------------


def _cache_key(kind: Kind, organization: Organization, filters: Filters) -> str:
    if kind == "impact":
        assert isinstance(filters, ImpactFilters)
        return impact_cache_key(organization, filters)
    assert isinstance(filters, HealthFilters)
    return health_cache_key(organization, filters)


def _claim_key(cache_key: str) -> str:
    return f"{cache_key}:building"


def _cached_or_queued(
    kind: Kind, organization: Organization, filters: Filters, *, eager_result: bool = True
) -> Report | Preparing | None:
    """The cached report; else claim its build and send the task, or find it claimed: Preparing, or the report
    when the build ran at once (eager tasks; None when `eager_result` is off: the caller only queues)."""
    key = _cache_key(kind, organization, filters)
    report = cache.get(key)
    if report is not None:
        return report
    claim = _claim_key(key)
    if not cache.add(claim, BUILDING, CLAIM_SECONDS):
        return Preparing(failed=cache.get(claim) == FAILED)
    from ..tasks import build_report  # the tasks module imports this one

    try:
        # Sent at once, not on commit: the build reads only the roll-up's committed facts, never what this
        # request wrote (a GET writes nothing), and the embedded default builds inside this call.
        build_report.delay(organization_id=organization.pk, kind=kind, filters=_filters_as_json(filters), cache_key=key)
    except OperationalError:
        logger.warning("Could not queue the %s report build of organization %s.", kind, organization.pk, exc_info=True)
        cache.set(claim, FAILED, FAILED_SECONDS)
        return Preparing(failed=True)
    if not eager_result:
        return None
    report = cache.get(key)
    return report if report is not None else Preparing()


def _filters_as_json(filters: Filters) -> dict[str, Any]:
    if isinstance(filters, ImpactFilters):
        return {"program_id": filters.program_id, "role": filters.role}
    return {
        "program_id": filters.program_id,
        "department": filters.department,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }


def _filters_from_json(kind: Kind, data: dict[str, Any]) -> Filters:
    if kind == "impact":
        return ImpactFilters(program_id=data.get("program_id"), role=data.get("role") or "all")
    return HealthFilters(
        program_id=data.get("program_id"),
        department=data.get("department") or "",
        since=date.fromisoformat(data["since"]) if data.get("since") else None,
        until=date.fromisoformat(data["until"]) if data.get("until") else None,
    )
