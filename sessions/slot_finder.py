"""Find a time: the best slots for everyone in a match, from each person's weekly working windows (local
wall-clock times in their own zone), away dates and busy intervals. Pure: no Django, no database.

Windows are turned into instants date by date with zoneinfo, so "09:00-12:00 on Mondays" is 09:00 local on
every Monday, whatever the offset that day (the US and Europe change their clocks on different dates in March
and in autumn: for a week or two the gap between London and New York is 4 hours instead of 5).

Scoring (higher is better), for every start on the step grid where the whole meeting lies inside a window of
every person and overlaps nobody's busy interval or away day:

    score = COMFORT_WEIGHT * comfort + SOON_WEIGHT * soon

- comfort: the smallest margin, over all people, between the meeting and the edge of the window it falls in
  (start of their window to the meeting's start, meeting's end to their window's end), capped at
  COMFORT_CAP_MINUTES and scaled to 0..1: a time at the very start or end of someone's day scores 0.
- soon: 1 for the earliest possible start, falling linearly to 0 at the end of the horizon.

Then slots are picked greedily by score, one per day first (days counted in the first person's zone, the one
the page is for), so that the proposals spread over the fortnight; if there are fewer days than slots wanted,
more slots of the same days follow, never overlapping or closer than the meeting's length to one already
picked. The picked slots are returned in time order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HORIZON = timedelta(days=14)
STEP = timedelta(minutes=30)
# A proposal is never sooner than this: nobody wants an invitation for a meeting in ten minutes.
LEAD = timedelta(hours=2)
COUNT = 5
COMFORT_CAP_MINUTES = 60
COMFORT_WEIGHT = 1.0
SOON_WEIGHT = 1.5

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Window:
    """A weekly working window: weekday 0 (Monday) to 6, local wall-clock start and end (end after start)."""

    weekday: int
    starts: time
    ends: time


# Assumed for a person who has not set their availability: Monday to Friday, 09:00-17:00 in their zone.
DEFAULT_WINDOWS: tuple[Window, ...] = tuple(Window(day, time(9), time(17)) for day in range(5))


@dataclass(frozen=True)
class Person:
    key: int  # the employee id (the key of `extra_busy`)
    zone: str
    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    away: tuple[tuple[date, date], ...] = ()  # inclusive local date ranges
    busy: tuple[Interval, ...] = ()  # aware datetimes


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    score: float = 0.0
    # Each person's margin to the edge of their window, in minutes (for tests and explanations).
    margins: dict[int, int] = field(default_factory=dict, compare=False)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _is_away(day: date, away: Iterable[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in away)


def open_intervals(person: Person, start: datetime, end: datetime) -> list[Interval]:
    """The person's windows as UTC intervals overlapping [start, end), away days left out."""
    zone = _zone(person.zone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    out: list[Interval] = []
    day = first
    while day <= last:
        if not _is_away(day, person.away):
            for window in person.windows:
                if window.weekday != day.weekday():
                    continue
                # Local wall-clock time on that date; zoneinfo gives the offset of that very day.
                opens = datetime.combine(day, window.starts, tzinfo=zone).astimezone(UTC)
                closes = datetime.combine(day, window.ends, tzinfo=zone).astimezone(UTC)
                if closes > start and opens < end and closes > opens:
                    out.append((opens, closes))
        day += timedelta(days=1)
    return sorted(out)


def _ceil(moment: datetime, step: timedelta) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -(-(moment - epoch) // step)  # ceiling division of timedeltas
    return epoch + steps * step


def _overlaps(start: datetime, end: datetime, intervals: Iterable[Interval]) -> bool:
    return any(b_start < end and start < b_end for b_start, b_end in intervals)


def _margin(start: datetime, end: datetime, intervals: Sequence[Interval]) -> int | None:
    """Minutes from the meeting to the nearer edge of the window holding it whole; None when none does."""
    for opens, closes in intervals:
        if opens <= start and end <= closes:
            return int(min(start - opens, closes - end).total_seconds() // 60)
    return None


def candidates(
    people: Sequence[Person],
    *,
    duration: timedelta,
    now: datetime,
    horizon: timedelta = HORIZON,
    step: timedelta = STEP,
    lead: timedelta = LEAD,
    extra_busy: Mapping[int, Sequence[Interval]] | None = None,
) -> list[Slot]:
    """Every start on the step grid that suits everyone, scored (see the module's docstring)."""
    if not people or duration <= timedelta(0):
        return []
    extra_busy = extra_busy or {}
    earliest = _ceil(now + lead, step)
    latest = now + horizon
    opens = {p.key: open_intervals(p, earliest, latest) for p in people}
    busy = {p.key: [*p.busy, *extra_busy.get(p.key, ())] for p in people}
    span = max((latest - earliest).total_seconds(), 1.0)
    out: list[Slot] = []
    start = earliest
    while start + duration <= latest:
        end = start + duration
        margins: dict[int, int] = {}
        for p in people:
            margin = _margin(start, end, opens[p.key])
            if margin is None or _overlaps(start, end, busy[p.key]):
                break
            margins[p.key] = margin
        else:
            comfort = min(min(margins.values()), COMFORT_CAP_MINUTES) / COMFORT_CAP_MINUTES
            soon = 1 - (start - earliest).total_seconds() / span
            score = round(COMFORT_WEIGHT * comfort + SOON_WEIGHT * soon, 6)
            out.append(Slot(starts_at=start, ends_at=end, score=score, margins=margins))
        start += step
    return out


def find_slots(
    people: Sequence[Person],
    *,
    duration: timedelta,
    now: datetime,
    horizon: timedelta = HORIZON,
    step: timedelta = STEP,
    lead: timedelta = LEAD,
    count: int = COUNT,
    extra_busy: Mapping[int, Sequence[Interval]] | None = None,
) -> list[Slot]:
    """The `count` best slots for all `people` (empty when their windows never meet), in time order.

    `extra_busy` maps an employee id to more busy intervals (aware datetimes), e.g. from their published
    calendar; they count exactly like the person's own `busy`."""
    found = candidates(people, duration=duration, now=now, horizon=horizon, step=step, lead=lead, extra_busy=extra_busy)
    ranked = sorted(found, key=lambda s: (-s.score, s.starts_at))
    zone = _zone(people[0].zone) if people else ZoneInfo("UTC")
    picked: list[Slot] = []
    days: set[date] = set()
    # First pass: the best slot of each day; second pass: more of the same days, well apart.
    for one_per_day in (True, False):
        for slot in ranked:
            if len(picked) >= count:
                break
            day = slot.starts_at.astimezone(zone).date()
            if one_per_day and day in days:
                continue
            if any(abs(slot.starts_at - other.starts_at) < 2 * duration for other in picked):
                continue
            picked.append(slot)
            days.add(day)
    return sorted(picked, key=lambda s: s.starts_at)


def fits(
    people: Sequence[Person],
    *,
    starts_at: datetime,
    duration: timedelta,
    extra_busy: Mapping[int, Sequence[Interval]] | None = None,
) -> bool:
    """Whether a meeting at `starts_at` suits everyone (inside a window of each, nobody busy or away)."""
    end = starts_at + duration
    extra_busy = extra_busy or {}
    for p in people:
        if _margin(starts_at, end, open_intervals(p, starts_at, end)) is None:
            return False
        if _overlaps(starts_at, end, [*p.busy, *extra_busy.get(p.key, ())]):
            return False
    return True
