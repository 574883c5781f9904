"""The slot finder on hand-built calendars (pure: no database): clock changes on different dates in the US and
Europe, zones that never meet, partial overlap, a circle of four, away dates, sessions already booked and the
extra busy intervals of a published calendar; and the scoring (sooner, spread over days, off the edges)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sessions.slot_finder import DEFAULT_WINDOWS, Person, Window, candidates, find_slots, fits

LONDON, NEW_YORK, BERLIN, TOKYO, SAO_PAULO = (
    "Europe/London",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Tokyo",
    "America/Sao_Paulo",
)
H45 = timedelta(minutes=45)


def weekdays(start: time, end: time, days=range(5)) -> tuple[Window, ...]:
    return tuple(Window(day, start, end) for day in days)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def inside_windows(moment: datetime, duration: timedelta, person: Person) -> bool:
    start, end = local(moment, person.zone), local(moment + duration, person.zone)
    return start.date() == end.date() and any(
        w.weekday == start.weekday() and w.starts <= start.time() and end.time() <= w.ends for w in person.windows
    )


# Monday 8 March 2027: New York moves its clocks on Sunday 14 March, London and Berlin on Sunday 28 March.
MONDAY_8_MARCH = datetime(2027, 3, 8, 0, 0, tzinfo=UTC)


class TestClockChanges:
    def test_the_overlap_moves_an_hour_when_only_new_york_has_changed(self):
        london = Person(1, LONDON, weekdays(time(13), time(17)))
        new_york = Person(2, NEW_YORK, weekdays(time(9), time(12)))
        found = candidates([london, new_york], duration=H45, now=MONDAY_8_MARCH)
        by_day: dict[date, list[datetime]] = {}
        for slot in found:
            by_day.setdefault(slot.starts_at.date(), []).append(slot.starts_at)
        # Before 14 March New York is UTC-5: its 09:00-12:00 is 14:00-17:00 UTC, inside London's 13:00-17:00.
        assert min(by_day[date(2027, 3, 10)]) == datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
        assert max(by_day[date(2027, 3, 10)]) == datetime(2027, 3, 10, 16, 0, tzinfo=UTC)
        # After it New York is UTC-4 and London still UTC+0: 13:00-16:00 UTC.
        assert min(by_day[date(2027, 3, 16)]) == datetime(2027, 3, 16, 13, 0, tzinfo=UTC)
        assert max(by_day[date(2027, 3, 16)]) == datetime(2027, 3, 16, 15, 0, tzinfo=UTC)
        # Every proposal is inside both people's local windows, whatever the offset of its day.
        assert found and all(inside_windows(s.starts_at, H45, p) for s in found for p in (london, new_york))
        # No weekend: 13-14 and 20-21 March are Saturday and Sunday.
        assert not {date(2027, 3, 13), date(2027, 3, 14), date(2027, 3, 20), date(2027, 3, 21)} & set(by_day)

    def test_europes_change_later_in_march(self):
        """Berlin 09:00-10:00 is 08:00-09:00 UTC before 28 March 2027 and 07:00-08:00 UTC after."""
        berlin = Person(1, BERLIN, weekdays(time(9), time(10)))
        now = datetime(2027, 3, 22, tzinfo=UTC)
        found = candidates([berlin], duration=timedelta(minutes=60), now=now)
        starts = {s.starts_at for s in found}
        assert datetime(2027, 3, 26, 8, 0, tzinfo=UTC) in starts  # Friday before the change: CET
        assert datetime(2027, 3, 29, 7, 0, tzinfo=UTC) in starts  # Monday after: CEST
        assert datetime(2027, 3, 29, 8, 0, tzinfo=UTC) not in starts


class TestOverlap:
    def test_zones_with_no_overlap_give_nothing(self):
        tokyo = Person(1, TOKYO, weekdays(time(9), time(12)))
        new_york = Person(2, NEW_YORK, weekdays(time(9), time(12)))
        assert find_slots([tokyo, new_york], duration=H45, now=MONDAY_8_MARCH) == []

    def test_partial_overlap_five_slots_on_five_days_off_the_edges(self):
        london = Person(1, LONDON, DEFAULT_WINDOWS)  # 09:00-17:00, 14:00-17:00 UTC in common with New York
        new_york = Person(2, NEW_YORK, DEFAULT_WINDOWS)
        now = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)  # a Monday in winter: 5 hours apart all fortnight
        slots = find_slots([london, new_york], duration=H45, now=now)
        assert len(slots) == 5
        assert len({s.starts_at.date() for s in slots}) == 5  # spread over days
        assert slots == sorted(slots, key=lambda s: s.starts_at)
        # Sooner first: the first five working days of the fortnight.
        assert [s.starts_at.date() for s in slots] == [date(2027, 1, d) for d in (4, 5, 6, 7, 8)]
        # Not at the very start of New York's day (14:00 UTC is 09:00 there) nor at London's end (17:00):
        # 15:00 UTC leaves an hour on both sides.
        assert {s.starts_at.time() for s in slots} == {time(15, 0)}
        assert all(min(s.margins.values()) >= 60 for s in slots)

    def test_a_circle_of_four_across_three_continents(self):
        people = [
            Person(1, LONDON, weekdays(time(8), time(18))),
            Person(2, BERLIN, weekdays(time(9), time(17))),
            Person(3, NEW_YORK, weekdays(time(7), time(13))),
            Person(4, SAO_PAULO, weekdays(time(10), time(16))),
        ]
        now = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
        slots = find_slots(people, duration=timedelta(minutes=60), now=now)
        assert len(slots) == 5
        for slot in slots:
            assert all(inside_windows(slot.starts_at, timedelta(minutes=60), p) for p in people)
            # Berlin ends at 17:00 CET = 16:00 UTC; New York starts 07:00 EST = 12:00 UTC; Sao Paulo 10:00 = 13:00 UTC.
            assert time(13) <= slot.starts_at.time() <= time(15)
        one_short = [*people[:3], Person(4, SAO_PAULO, weekdays(time(14), time(16)))]  # 17:00-19:00 UTC
        assert find_slots(one_short, duration=timedelta(minutes=60), now=now) == []


class TestBusy:
    now = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
    london = Person(1, LONDON, weekdays(time(10), time(12)))

    def test_away_dates_are_skipped(self):
        away = Person(1, LONDON, weekdays(time(10), time(12)), away=((date(2027, 1, 4), date(2027, 1, 8)),))
        slots = find_slots([away], duration=H45, now=self.now)
        assert slots and all(s.starts_at.date() >= date(2027, 1, 11) for s in slots)
        assert min(s.starts_at for s in slots).date() == date(2027, 1, 11)

    def test_sessions_already_booked_are_busy(self):
        booked = (datetime(2027, 1, 4, 10, 0, tzinfo=UTC), datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
        person = Person(1, LONDON, self.london.windows, busy=(booked,))
        starts = {s.starts_at for s in candidates([person], duration=H45, now=self.now)}
        assert not any(s.date() == date(2027, 1, 4) for s in starts)
        assert datetime(2027, 1, 5, 10, 0, tzinfo=UTC) in starts
        assert not fits([person], starts_at=datetime(2027, 1, 4, 11, 0, tzinfo=UTC), duration=H45)
        assert fits([person], starts_at=datetime(2027, 1, 5, 11, 0, tzinfo=UTC), duration=H45)

    def test_extra_busy_is_honoured_for_its_person_only(self):
        other = Person(2, LONDON, self.london.windows)
        calendar = {2: [(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), datetime(2027, 1, 5, 13, 0, tzinfo=UTC))]}
        with_feed = {
            s.starts_at.date()
            for s in candidates([self.london, other], duration=H45, now=self.now, extra_busy=calendar)
        }
        without = {s.starts_at.date() for s in candidates([self.london, other], duration=H45, now=self.now)}
        assert date(2027, 1, 5) in without and date(2027, 1, 5) not in with_feed
        slot = datetime(2027, 1, 5, 10, 30, tzinfo=UTC)
        assert not fits([self.london, other], starts_at=slot, duration=H45, extra_busy=calendar)
        assert fits([self.london], starts_at=slot, duration=H45, extra_busy=calendar)  # not London's calendar

    def test_nothing_sooner_than_the_lead_time_nor_past_the_horizon(self):
        now = datetime(2027, 1, 4, 9, 50, tzinfo=UTC)
        starts = [s.starts_at for s in candidates([self.london], duration=H45, now=now)]
        assert min(starts) >= now + timedelta(hours=2)
        assert max(starts) + H45 <= now + timedelta(days=14)


def test_several_windows_a_day_and_the_gap_between_them():
    person = Person(1, LONDON, (Window(0, time(9), time(12)), Window(0, time(13), time(17))))
    starts = {s.starts_at.time() for s in candidates([person], duration=H45, now=datetime(2027, 1, 3, tzinfo=UTC))}
    assert time(11, 0) in starts and time(13, 0) in starts
    assert time(11, 30) not in starts and time(12, 30) not in starts  # would run into the lunch gap
