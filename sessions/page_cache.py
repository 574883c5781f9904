"""The mentoring pages' costliest parts, cached per person: read on every visit, changed by a few writes.

A participant's home page and a match's page show their goals with milestones, sessions ahead and to log and
things to do: a dozen queries whose building (Django's ORM, in Python) and rendering are most of the page's CPU
time, for data that changes a few times a day. Those pages and the goal's page are cached rendered, per
organization, person, time zone and language (keys carry all four; the HTML's holes for clocks and CSRF tokens are
filled at each visit: sessions/views/rendered.py), and used only while all of these hold:

- the person's version is the one it was built under. Every service that changes what a part shows calls
  `people_changed` for the people who see it (goals, milestones and comments: who may see the goal; sessions:
  the match's members; check-in answers: the respondent). It changes the version at once (the same request,
  and tests, see the change) and again after the commit: a page that read the data just before the commit,
  under the version changed first, is then stale by version and never used;
- the page's stamp is the same: what the page read live (who is in the person's matches and how, and the
  matches' status), so a match approved, accepted, ended or left, or a request to complete it, changes the key
  without matching's services knowing about this cache;
- it is younger than PART_SECONDS and than the moment a part says it changes by itself (a session ahead starts
  or ends: it then waits to be logged), checked against our clock at each read. What only time or a rare admin
  write changes (a check-in coming due, a program renamed, someone's name) shows within PART_SECONDS.

Keys also carry the organization's creation time, so a database restored or re-created with the same ids
never meets the parts cached for another (the test suite's, a restore's).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from matching.models import MatchMember
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped

from .models import Goal

T = TypeVar("T")
PART_SECONDS = 60
# A version outlives the parts built under it; when it expires the next reader starts a new one (a miss).
VERSION_SECONDS = 10 * PART_SECONDS


def _prefix(organization: Organization) -> str:
    return f"mentoring:o{organization.pk}.{int(organization.created_at.timestamp() * 1e6)}"


def _version_key(organization: Organization, employee_id: int) -> str:
    return f"{_prefix(organization)}:v:e{employee_id}"


def people_changed(*, organization: Organization, employee_ids: Iterable[int | None]) -> None:
    """What these people's mentoring pages show has changed: now, and again once the transaction commits."""
    keys = sorted({_version_key(organization, pk) for pk in employee_ids if pk is not None})
    if not keys:
        return

    def bump() -> None:
        cache.set_many({key: secrets.randbits(62) for key in keys}, VERSION_SECONDS)

    bump()
    transaction.on_commit(bump)


def person_cached(
    *,
    organization: Organization,
    employee_id: int,
    part: str,
    stamp: Hashable,
    build: Callable[[], tuple[T, datetime | None]],
) -> T:
    """The part `part` of this person's page for `stamp`, from the cache or built now. `build` returns the part
    and the moment it changes by itself (or None)."""
    version_key = _version_key(organization, employee_id)
    # The page's language keys it too: the same person reads it in another language after changing theirs, or
    # from a browser that asks for another.
    part_key = f"{_prefix(organization)}:{part}:e{employee_id}:{translation.get_language() or ''}"
    found: dict[str, Any] = cache.get_many([version_key, part_key])
    version = found.get(version_key)
    entry = found.get(part_key)
    if version is not None and entry is not None and _current(entry, (version, stamp)):
        return entry[1]
    if version is None:
        version = secrets.randbits(62)
        if not cache.add(version_key, version, VERSION_SECONDS):
            return build()[0]  # a writer set a version meanwhile: serve this one fresh, cache the next
    value, changes_at = build()
    seconds = PART_SECONDS
    if changes_at is not None:
        seconds = min(seconds, int((changes_at - timezone.now()).total_seconds()))
    if seconds > 0:
        cache.set(part_key, ((version, stamp), value, changes_at), seconds)
    return value


def _current(entry: tuple, key: tuple) -> bool:
    """Built under this version and stamp, and not past the moment it changes by itself (the cache's expiry is
    in whole seconds of its own clock: the moment is checked against ours)."""
    if len(entry) != 3 or entry[0] != key:  # (an entry of the previous release has two items)
        return False
    changes_at = entry[2]
    return changes_at is None or timezone.now() < changes_at


def match_people_changed(*, organization: Organization, match_id: int) -> None:
    """A match's sessions or shared goals changed: its members (past ones too: they still read it) are told."""
    members = scoped(MatchMember, organization).filter(match_id=match_id)
    people_changed(organization=organization, employee_ids=members.values_list("participant__employee_id", flat=True))


def goal_people_changed(*, organization: Organization, goal: Goal) -> None:
    """A goal or its milestones changed: who may see it is told (its match's members; for a personal goal, its
    owner and everyone in the owner's matches, among them their mentors)."""
    if goal.match_id is not None:
        match_people_changed(organization=organization, match_id=goal.match_id)
        return
    owner = goal.participant
    assert owner is not None, "a goal without a match is a personal goal (its check constraint)"
    matches = scoped(MatchMember, organization).filter(participant_id=owner.pk).values("match_id")
    members = scoped(MatchMember, organization).filter(match_id__in=matches)
    people = [owner.employee_id, *members.values_list("participant__employee_id", flat=True)]
    people_changed(organization=organization, employee_ids=people)
