"""Reads of people's free/busy feeds (sessions/services/busy_feeds.py): a person's own feed for their page, the
feeds due for a refresh, and the busy intervals the slot finder ("Find a time") plans around."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..busy_calendar import Interval, clip, merge
from ..models import BusyFeed, BusyInterval

# A feed is fetched again once its last attempt is this old (the beat ticks hourly; a little slack so a tick
# a few seconds early does not skip a feed for a whole hour).
REFRESH_AFTER = timedelta(minutes=55)


def busy_feed_of(*, organization: Organization, employee: Employee) -> BusyFeed | None:
    return scoped(BusyFeed, organization).filter(employee=employee).first()


def busy_feed_upcoming_count(*, organization: Organization, feed: BusyFeed, now: datetime) -> int:
    """How many busy intervals of this feed are still ahead (the person's page says so, never which)."""
    return scoped(BusyInterval, organization).filter(feed=feed, ends_at__gt=now).count()


def busy_feeds_due(*, now: datetime) -> list[tuple[int, int]]:
    """(organization id, feed id) of the active feeds not fetched for an hour, across organizations: the beat
    task calls it inside `all_organizations()` and sends one task per feed, each scoped to its organization."""
    due = BusyFeed.objects.filter(status=BusyFeed.Status.ACTIVE).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - REFRESH_AFTER)
    )
    return list(due.order_by("last_fetched_at", "pk").values_list("organization_id", "pk"))


def feed_busy_intervals(
    *, organization: Organization, employee_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    """For each employee asked, when their own calendar says they are busy within [start, end): UTC intervals,
    sorted, merged and clipped to the window. An employee without an active feed gets an empty list (not
    "free all the time": the slot finder combines this with working windows)."""
    ids = list(dict.fromkeys(int(pk) for pk in employee_ids))
    found: dict[int, list[Interval]] = {pk: [] for pk in ids}
    if not ids or end <= start:
        return found
    rows = (
        scoped(BusyInterval, organization)
        .filter(
            employee_id__in=ids,
            feed__status=BusyFeed.Status.ACTIVE,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .order_by("employee_id", "starts_at")
        .values_list("employee_id", "starts_at", "ends_at")
    )
    for employee_id, starts_at, ends_at in rows:
        found[employee_id].append((starts_at, ends_at))
    return {pk: clip(merge(intervals), start, end) for pk, intervals in found.items()}


def feed_busy_source(
    organization: Organization, employee_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    """`feed_busy_intervals` in the shape of Find a time's busy sources (sessions/extensions.py)."""
    return feed_busy_intervals(organization=organization, employee_ids=employee_ids, start=start, end=end)
