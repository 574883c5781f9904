"""Availability reads: a person's own windows and away dates, and everything Find a time needs about the people
of a match (their windows or the assumed default, away dates, the sessions they already have) in three
queries, whatever the match's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from .. import slot_finder
from ..models import AvailabilityWindow, AwayPeriod, MentoringSession
from ..slot_finder import Interval
from .matches import match_members_of


@dataclass
class Availability:
    windows: list[AvailabilityWindow]
    away: list[AwayPeriod]


def availability_of(*, organization: Organization, employee: Employee) -> Availability:
    windows = list(scoped(AvailabilityWindow, organization).filter(employee=employee).order_by("weekday", "starts"))
    away = list(scoped(AwayPeriod, organization).filter(employee=employee).order_by("starts_on"))
    return Availability(windows=windows, away=away)


@dataclass
class MatchPerson:
    member: MatchMember
    employee: Employee
    person: slot_finder.Person
    has_windows: bool  # False: the finder assumes Monday to Friday, 09:00-17:00 in their zone


def busy_of(
    *, organization: Organization, employee_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """The scheduled sessions (of any of their matches) of these people that overlap [start, end)."""
    rows = (
        scoped(MentoringSession, organization)
        .filter(
            status=MentoringSession.Status.SCHEDULED,
            # A session lasts at most 8 hours (MAX_DURATION_MINUTES): one starting earlier has ended by `start`.
            starts_at__gte=start - timedelta(hours=8),
            starts_at__lt=end,
            match__members__participant__employee_id__in=employee_ids,
            match__members__current=True,
            match__members__response__in=[MatchMember.Response.PENDING, MatchMember.Response.ACCEPTED],
        )
        .values_list("match__members__participant__employee_id", "starts_at", "duration_minutes")
    )
    busy: dict[int, list[Interval]] = defaultdict(list)
    for employee_id, starts_at, minutes in rows:
        busy[employee_id].append((starts_at, starts_at + timedelta(minutes=minutes)))
    return busy


def match_people(
    *, organization: Organization, members: list[MatchMember], now: datetime, viewer: Employee | None = None
) -> list[MatchPerson]:
    """The current members of a match (from `match_members_of`, no query) as the slot finder sees them, the
    viewer first (the finder spreads its proposals over the first person's days)."""
    employees = [m.participant.employee for m in members if m.current]
    ids = [e.pk for e in employees]
    windows: dict[int, list[slot_finder.Window]] = defaultdict(list)
    for row in scoped(AvailabilityWindow, organization).filter(employee_id__in=ids):
        windows[row.employee_id].append(slot_finder.Window(row.weekday, row.starts, row.ends))
    away: dict[int, list[tuple]] = defaultdict(list)
    for period in scoped(AwayPeriod, organization).filter(
        employee_id__in=ids, ends_on__gte=now.date() - timedelta(days=1)
    ):
        away[period.employee_id].append((period.starts_on, period.ends_on))
    busy = busy_of(organization=organization, employee_ids=ids, start=now, end=now + slot_finder.HORIZON)
    people = []
    for member in members:
        if not member.current:
            continue
        employee = member.participant.employee
        own = tuple(windows.get(employee.pk, ()))
        person = slot_finder.Person(
            key=employee.pk,
            zone=employee.time_zone,
            windows=own or slot_finder.DEFAULT_WINDOWS,
            away=tuple(away.get(employee.pk, ())),
            busy=tuple(busy.get(employee.pk, ())),
        )
        people.append(MatchPerson(member=member, employee=employee, person=person, has_windows=bool(own)))
    if viewer is not None:
        people.sort(key=lambda p: p.employee.pk != viewer.pk)
    return people


def match_people_for(*, organization: Organization, match: Match, now: datetime, viewer: Employee) -> list[MatchPerson]:
    return match_people(organization=organization, members=match_members_of(match), now=now, viewer=viewer)
