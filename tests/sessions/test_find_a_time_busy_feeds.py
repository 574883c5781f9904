"""Find a time avoids what a person's own published calendar shows busy: the calendar feed's busy intervals
(sessions/selectors/calendar_feeds.py) reach the slot finder through the busy-source registry that
sessions/apps.py fills (sessions/extensions.py `extra_busy_of`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.extensions import extra_busy_of
from sessions.models import BusyInterval
from sessions.services.busy_feeds import busy_feed_save

from .factories import active_pair

pytestmark = pytest.mark.django_db


def _feed_with_busy_hour(organization, employee, start):
    feed = busy_feed_save(organization=organization, actor=None, employee=employee, url="https://cal.example.com/x.ics")
    BusyInterval.objects.create(
        organization=organization, feed=feed, employee=employee, starts_at=start, ends_at=start + timedelta(hours=1)
    )


def test_a_feed_s_busy_hour_is_busy_for_find_a_time(org, other_org):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    pair = active_pair(org)
    _feed_with_busy_hour(org, pair.mentee.employee, start)
    people = [pair.mentee.employee.pk, pair.mentor.employee.pk]
    busy = extra_busy_of(org, people, start - timedelta(days=1), start + timedelta(days=3))
    assert busy[pair.mentee.employee.pk] == [(start, start + timedelta(hours=1))]
    assert busy.get(pair.mentor.employee.pk, []) == []


def test_another_organization_s_feed_never_counts(org, other_org):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    stranger = active_pair(other_org).mentee.employee
    _feed_with_busy_hour(other_org, stranger, start)
    busy = extra_busy_of(org, [stranger.pk], start - timedelta(days=1), start + timedelta(days=3))
    assert busy.get(stranger.pk, []) == []


def test_the_feed_source_is_registered_once_however_often_the_app_starts():
    from django.apps import apps

    from sessions import extensions

    apps.get_app_config("mentoring_sessions").ready()
    apps.get_app_config("mentoring_sessions").ready()
    assert len(extensions._busy_sources) == 1
