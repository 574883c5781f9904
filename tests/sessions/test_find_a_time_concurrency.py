"""Two clicks on the same proposed time at the same moment (a double click, two tabs, both members), in two
real PostgreSQL transactions on two connections: one session is booked, and both answers name it. Skipped
without PostgreSQL; fails instead when MENTORHUB_REQUIRE_SERVICES is set (CI)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions.models import MentoringSession, Reminder
from sessions.selectors.availability import match_people_for
from sessions.services.availability import WindowIn, availability_set
from sessions.services.find_a_time import session_book_slot
from sessions.slot_finder import find_slots
from tests.helpers import race, require_postgresql

from .factories import active_pair, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("repeat", range(2))
def test_both_members_click_the_same_time_at_once(org, repeat):
    require_postgresql()
    mentor = person(org, f"lena{repeat}@alpha.test", zone="Europe/London")
    mentee = person(org, f"nate{repeat}@alpha.test", zone="America/New_York")
    pair = active_pair(org, mentor=mentor, mentee=mentee)
    for membership in (mentor, mentee):
        every_hour = [WindowIn(day, time(0), time(23, 59)) for day in range(7)]
        availability_set(organization=org, actor=None, employee=membership.employee, windows=every_hour, away=[])
    now = timezone.now()
    people = match_people_for(organization=org, match=pair.match, now=now, viewer=mentee.employee)
    slot = find_slots([p.person for p in people], duration=timedelta(minutes=45), now=now)[0]

    def book(membership):
        return lambda: session_book_slot(
            organization=org,
            actor=None,
            employee=membership.employee,
            match_id=pair.match.pk,
            starts_at=slot.starts_at,
            duration_minutes=45,
            extra_busy={},
        )

    results = race(book(mentor), book(mentee))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    bookings = [booking for _, booking in results]
    assert sorted(b.created for b in bookings) == [False, True]
    session = MentoringSession.objects.get(match=pair.match)
    assert {b.session.pk for b in bookings} == {session.pk}
    assert Reminder.objects.filter(session=session, kind="session_invite").count() == 2


def test_two_mentees_of_one_mentor_book_the_same_time_at_once(org):
    """Two matches share the mentor: the second booking waits for the first and finds the mentor busy."""
    require_postgresql()
    mentor = person(org, "lena-shared@alpha.test", zone="Europe/London")
    first, second = (person(org, f"nate-{n}@alpha.test", zone="America/New_York") for n in (1, 2))
    pairs = [active_pair(org, mentor=mentor, mentee=mentee) for mentee in (first, second)]
    for membership in (mentor, first, second):
        every_hour = [WindowIn(day, time(0), time(23, 59)) for day in range(7)]
        availability_set(organization=org, actor=None, employee=membership.employee, windows=every_hour, away=[])
    now = timezone.now()
    people = match_people_for(organization=org, match=pairs[0].match, now=now, viewer=first.employee)
    slot = find_slots([p.person for p in people], duration=timedelta(minutes=45), now=now)[0]

    def book(membership, pair):
        return lambda: session_book_slot(
            organization=org,
            actor=None,
            employee=membership.employee,
            match_id=pair.match.pk,
            starts_at=slot.starts_at,
            duration_minutes=45,
            extra_busy={},
        )

    results = race(book(first, pairs[0]), book(second, pairs[1]))
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    error = next(outcome for kind, outcome in results if kind == "error")
    assert isinstance(error, ValidationError) and "no longer suits everyone" in str(error), repr(error)
    assert MentoringSession.objects.filter(match__in=[p.match for p in pairs], starts_at=slot.starts_at).count() == 1
