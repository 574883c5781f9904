"""The registry through which apps above matching follow a match's end (matching/extensions.py): a handler is
registered once however often the apps are readied, and runs inside the match action's transaction, so a
handler that fails leaves the match as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from matching import extensions
from matching.extensions import MatchEndingKind, register_match_ending
from matching.models import Match
from matching.services.lifecycle import match_end_early
from sessions.models import MentoringSession
from sessions.services.sessions import session_schedule
from tests.sessions.factories import active_pair

pytestmark = pytest.mark.django_db


def test_readying_the_apps_again_registers_nothing_twice():
    before = list(extensions._handlers)
    apps.get_app_config("mentoring_sessions").ready()
    register_match_ending(before[0])
    assert extensions._handlers == before
    assert len(before) == len(set(before)) >= 1


def test_a_failing_handler_rolls_the_match_back(org, monkeypatch):
    pair = active_pair(org, started_at=timezone.now() - timedelta(days=30))
    ahead = session_schedule(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() + timedelta(days=3),
    )
    seen: list[MatchEndingKind] = []

    def fails(ending):
        seen.append(ending.kind)
        raise RuntimeError("a follower failed")

    monkeypatch.setattr(extensions, "_handlers", [*extensions._handlers, fails])
    with pytest.raises(RuntimeError):
        match_end_early(organization=org, actor=None, match_id=pair.match.pk, reason="Moving on", employee=None)

    assert seen == [MatchEndingKind.ENDED_EARLY]
    assert Match.objects.get(pk=pair.match.pk).status == Match.Status.ACTIVE
    # The sessions' own handler ran before the failing one: its cancellation went back with the match.
    assert MentoringSession.objects.get(pk=ahead.pk).status == MentoringSession.Status.SCHEDULED
