"""The rules of scoring, shared by the score matrix (scoring) and single-pair explanations (explanations):
how answers are read and compared, time zones, seniority. Pure Python, no Django. See scoring's docstring."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from .profiles import Criterion, Profile

SOFT_RULES = ("same", "different", "overlap", "offers_wants")
ATTRIBUTES: dict[str, tuple[str, str, float]] = {  # key: (label, rule, default weight)
    "attr:job_level": ("Seniority", "senior", 2.0),
    "attr:time_zone": ("Working hours", "tz_overlap", 2.0),
    "attr:department": ("Department", "different", 1.0),
    "attr:location": ("Location", "same", 1.0),
}
WORKDAY_HOURS = 8.0
SCALE_SPAN = 4.0  # answers on the 1-5 scale


def soft_criteria(criteria: Iterable[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.weight > 0 and c.rule != "must"]


def norm(value: Any) -> str:
    return _norm_text(str(value))


@lru_cache(maxsize=65536)
def _norm_text(text: str) -> str:
    """Explanations of a large run normalise the same option names hundreds of thousands of times. (Keyed by
    the text, not the value: 0.0 and -0.0 are equal values with different spellings.)"""
    return " ".join(text.split()).casefold()


def answer(profile: Profile, key: str) -> Any:
    value = profile.answers.get(key)
    if value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip()):
        return None
    return value


def tokens(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    return frozenset(t for t in (norm(v) for v in items) if t)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def numeric(profiles: Iterable[Profile], key: str) -> bool:
    """A criterion is numeric (the 1-5 scale) when its answers are numbers. Answers were validated against
    the question's type, so the first one given decides."""
    for profile in profiles:
        value = answer(profile, key)
        if value is not None:
            return is_number(value)
    return False


@lru_cache(maxsize=1024)
def _offset_at(zone: str, hour: datetime) -> float | None:
    try:
        offset = hour.astimezone(ZoneInfo(zone)).utcoffset()
    except (ValueError, KeyError, OSError):  # unknown zone name (ZoneInfoNotFoundError is a KeyError)
        return None
    return offset.total_seconds() / 3600 if offset is not None else None


def utc_offset_hours(zone: str, now: datetime | None = None) -> float | None:
    """The zone's current UTC offset in hours (None for an unknown zone)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return _offset_at(zone, moment)


def tz_gap(a: float, b: float) -> float:
    gap = abs(a - b) % 24
    return min(gap, 24 - gap)


def level_fit(gap: int) -> float:
    """Soft seniority fit for a gap in the allowed direction (>= 0)."""
    if 1 <= gap <= 3:
        return 1.0
    return {0: 0.5, 4: 0.75, 5: 0.5}.get(gap, 0.25)


def peer_level_fit(gap: int) -> float:
    """Circle members: nearby levels talk most easily."""
    return max(0.0, 1 - abs(gap) / 4)


def level_allowed(program_kind: str, mentor_level: int, mentee_level: int) -> bool:
    if program_kind == "reverse":
        return mentor_level < mentee_level
    return mentor_level >= mentee_level


def scale_fit(rule: str):
    def fit(x: Any, y: Any) -> float:
        closeness = max(0.0, 1 - abs(float(x) - float(y)) / SCALE_SPAN)
        return 1 - closeness if rule == "different" else closeness

    return fit


def attribute_value(c: Criterion, x: Any, y: Any, *, program_kind: str, peer: bool) -> float:
    if x is None or y is None:
        return 0.0
    if c.key == "attr:job_level":
        if peer:
            return peer_level_fit(int(x) - int(y))
        if not level_allowed(program_kind, mentor_level=y, mentee_level=x):
            return 0.0  # forbidden anyway
        return level_fit(abs(int(y) - int(x)))
    if c.key == "attr:time_zone":
        return max(0.0, WORKDAY_HOURS - tz_gap(x, y)) / WORKDAY_HOURS
    same = norm(x) == norm(y)
    return float(same) if c.rule == "same" else float(not same)
