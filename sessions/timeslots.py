"""Names of reminder occurrences ("slots"): the instant a reminder is about, written the same way every
time, so that planning the same reminder twice yields the same unique key."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def zone_or_utc(name: str) -> ZoneInfo:
    """The zone of that name; UTC for an empty or unknown name (a roster may carry anything)."""
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
        return UTC


def slot_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def moment_of(slot: str) -> datetime:
    """The instant a slot made by slot_of() names (its "#n" suffix, if any, ignored)."""
    return datetime.strptime(slot.split("#")[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def key_of(kind: str, target: str, recipient_id: int, slot: str) -> str:
    return f"{kind}:{target}:e{recipient_id}:{slot}"
