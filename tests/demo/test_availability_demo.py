"""seed_demo's availability (demo/sessions/availability.py): the demo pair's windows meet for a few hours a day,
so Find a time proposes five slots for them; other people of active matches have windows or, some, none (the
page then says what it assumes); acme has a video link template; a second run adds nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching.models import Match
from mentorhub.accounts.models import Membership, Organization
from sessions import slot_finder
from sessions.models import AvailabilityWindow, AwayPeriod
from sessions.selectors.availability import match_people_for
from sessions.selectors.matches import started_matches_of


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())
    windows = AvailabilityWindow.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert AvailabilityWindow.objects.count() == windows
    return Organization.objects.get(slug="acme")


def test_the_demo_pair_can_find_a_time(seeded):
    mentor = Membership.objects.get(organization=seeded, user__email="mentor@acme.example").employee
    member = Membership.objects.get(organization=seeded, user__email="member@acme.example").employee
    assert (mentor.time_zone, member.time_zone) == ("Europe/London", "America/New_York")
    match = started_matches_of(organization=seeded, employee=member).filter(status=Match.Status.ACTIVE).first()
    assert match is not None
    now = timezone.now()
    people = match_people_for(organization=seeded, match=match, now=now, viewer=member)
    assert {p.employee.pk for p in people} >= {mentor.pk, member.pk}
    assert all(p.has_windows for p in people if p.employee.pk in (mentor.pk, member.pk))
    slots = slot_finder.find_slots([p.person for p in people], duration=timedelta(minutes=45), now=now)
    assert len(slots) == 5
    assert AwayPeriod.objects.filter(employee=mentor).count() == 1
    assert seeded.video_link_template.startswith("https://meet.jit.si/")
    # Some people of active matches have windows, some have none (the default is then assumed and said).
    assert AvailabilityWindow.objects.filter(organization=seeded).values("employee").distinct().count() > 10
    assert not AvailabilityWindow.objects.exclude(organization=seeded).exists()
