"""A calendar file (.ics, as Outlook and Google publish it) to busy intervals: what a person's free/busy feed is
reduced to before anything is stored (sessions/services/busy_feeds.py).

Only start and end survive, in UTC and within the window asked: never a title, description, place or attendee.

- VEVENT: busy unless cancelled (STATUS:CANCELLED) or shown as free (TRANSP:TRANSPARENT, or Outlook's
  X-MICROSOFT-CDO-BUSYSTATUS:FREE). A recurring event (RRULE, RDATE) is expanded in its own zone's wall clock
  (a weekly 09:00 in London stays 09:00 across a DST change), less its EXDATEs; an occurrence moved or
  cancelled by a RECURRENCE-ID override is replaced by that override. An all-day event is busy for its whole
  days in the person's zone, as is a time without a zone ("floating").
- VFREEBUSY: every FREEBUSY period whose FBTYPE is not FREE.

Pure (no database), so it can be tested on hand-written files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # (no stubs installed)

Interval = tuple[datetime, datetime]

MAX_INTERVALS = 2000  # per feed, after merging: two weeks of a very full calendar fit many times over
# Rule steps a whole file may take: a rule from 1990 or a MINUTELY one cannot keep a worker busy.
MAX_RULE_STEPS = 200_000
_FREE_TYPES = {"FREE"}


class CalendarParseError(ValueError):
    """Not a calendar file; the message is for the person who gave the address."""


def busy_intervals(data: bytes, *, start: datetime, end: datetime, zone: tzinfo) -> list[Interval]:
    """The merged busy intervals of calendar `data` within [start, end) (aware datetimes), in UTC. `zone` is the
    person's: all-day and floating times are read in it."""
    calendar = _parse(data)
    budget = _Budget()
    window = (start.astimezone(UTC), end.astimezone(UTC))
    found: list[Interval] = []
    events: dict[str, list[Any]] = {}
    for component in calendar.walk():
        if component.name == "VEVENT":
            events.setdefault(str(component.get("UID", "")) or f"no-uid-{id(component)}", []).append(component)
        elif component.name == "VFREEBUSY":
            found += _free_busy(component, window)
    for group in events.values():
        found += _event_group(group, window, zone, budget)
    return merge(found)[:MAX_INTERVALS]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if s < end and e > start]


def _parse(data: bytes) -> Any:
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise CalendarParseError("The address did not give a calendar file (.ics).")
    try:
        return icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise CalendarParseError("The calendar file could not be read.") from exc


class _Budget:
    def __init__(self) -> None:
        self.steps = MAX_RULE_STEPS

    def take(self) -> bool:
        self.steps -= 1
        return self.steps >= 0


def _free_busy(component: Any, window: Interval) -> list[Interval]:
    periods = component.get("FREEBUSY") or []
    found: list[Interval] = []
    for prop in periods if isinstance(periods, list) else [periods]:
        if str(prop.params.get("FBTYPE", "BUSY")).upper() in _FREE_TYPES:
            continue
        # One FREEBUSY line may hold several periods; icalendar gives one vPeriod per period.
        first, second = prop.dt
        begin = _utc(first, UTC)
        finish = begin + second if isinstance(second, timedelta) else _utc(second, UTC)
        found += clip([(begin, finish)], *window) if finish > begin else []
    return found


def _is_busy(event: Any) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def _event_group(group: list[Any], window: Interval, zone: tzinfo, budget: _Budget) -> list[Interval]:
    """One UID: the master (maybe recurring) and its overrides (RECURRENCE-ID)."""
    overrides = [event for event in group if event.get("RECURRENCE-ID") is not None]
    masters = [event for event in group if event.get("RECURRENCE-ID") is None]
    replaced = {_utc(event.decoded("RECURRENCE-ID"), zone) for event in overrides}
    found: list[Interval] = []
    for event in masters:
        if _is_busy(event):
            found += _event_intervals(event, window, zone, budget, skip=replaced)
    for event in overrides:
        if _is_busy(event):
            found += _event_intervals(event, window, zone, budget, skip=set(), single=True)
    return found


def _event_intervals(
    event: Any, window: Interval, zone: tzinfo, budget: _Budget, *, skip: set[datetime], single: bool = False
) -> list[Interval]:
    if event.get("DTSTART") is None:
        return []
    first = event.decoded("DTSTART")
    length = _length(event, first)
    if length <= timedelta(0):
        return []
    excluded = set(skip) | {_utc(value, zone) for value in _dates(event, "EXDATE")}
    recurring = not single and event.get("RRULE") is not None
    starts = [*(_expand(event, first, length, window, zone, budget) if recurring else [first])]
    starts += [] if single else _dates(event, "RDATE")
    found: list[Interval] = []
    for value in starts:
        begin = _utc(value, zone)
        if begin in excluded:
            continue
        finish = _utc(value + length, zone)  # wall-clock length: a 09:00-10:00 stays so across DST
        found += clip([(begin, finish)], *window)
    return found


def _length(event: Any, first: date | datetime) -> timedelta:
    if event.get("DTEND") is not None:
        finish = event.decoded("DTEND")
        if isinstance(first, datetime) and isinstance(finish, datetime):
            # Each end in its own zone: the length in real time (an event may start and end in different zones).
            return _utc(finish, UTC) - _utc(first, UTC) if first.tzinfo and finish.tzinfo else finish - first
        if not isinstance(first, datetime) and not isinstance(finish, datetime):
            return finish - first
        return timedelta(0)
    if event.get("DURATION") is not None:
        duration = event.decoded("DURATION")
        return duration if isinstance(duration, timedelta) else timedelta(0)
    return timedelta(days=1) if not isinstance(first, datetime) else timedelta(0)


def _dates(event: Any, name: str) -> list[date | datetime]:
    values = event.get(name)
    if values is None:
        return []
    found: list[date | datetime] = []
    for entry in values if isinstance(values, list) else [values]:
        found += [item.dt for item in getattr(entry, "dts", []) if isinstance(item.dt, date)]
    return found


def _expand(
    event: Any, first: date | datetime, length: timedelta, window: Interval, zone: tzinfo, budget: _Budget
) -> Iterator[date | datetime]:
    """The rule's occurrences that may overlap the window, expanded in wall-clock time of the event's zone."""
    own_zone = first.tzinfo if isinstance(first, datetime) else None
    wall_zone = own_zone or zone
    all_day = not isinstance(first, datetime)
    dtstart = first.replace(tzinfo=None) if isinstance(first, datetime) else datetime.combine(first, time())
    rule = dict(event.get("RRULE"))
    until_values = rule.pop("UNTIL", None)
    text = icalendar.vRecur(rule).to_ical().decode()
    try:
        steps = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError):
        return
    # Compared in the same naive wall clock: a day of margin covers any zone offset.
    horizon = window[1].astimezone(wall_zone).replace(tzinfo=None) + timedelta(days=1)
    earliest = window[0].astimezone(wall_zone).replace(tzinfo=None) - length - timedelta(days=1)
    until = _wall(until_values[0], wall_zone) if until_values else None
    for step in steps:
        if not budget.take() or step > horizon or (until is not None and step > until):
            return
        if step < earliest:
            continue
        if all_day:
            yield step.date()
        else:
            yield step.replace(tzinfo=own_zone) if own_zone else step


def _wall(value: date | datetime, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time.max)
    return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value


def _utc(value: date | datetime, zone: tzinfo) -> datetime:
    """An instant in UTC: a date is its midnight in `zone` (the person's), a floating time is read in `zone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)
