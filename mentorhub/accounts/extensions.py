"""Values every page's navigation shows that only the apps above this one know (docs/architecture.md:
registries). The sessions app registers the unread notice count in its AppConfig.ready(); the context
processor (context_processors.tenancy) asks every registered count, lazily, for the signed-in membership."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from .models import Membership


@dataclass(frozen=True)
class NavigationCount:
    """A number the navigation shows, read without a query of its own: from the cache, else counted in the
    query every page runs anyway (the user's memberships, for the organization switcher), then cached."""

    name: str  # the template variable ("unread_notifications")
    applies: Callable[[Membership], bool]  # False: the count is 0 and nothing is read
    cached: Callable[[Membership], int | None]  # the cached value, or None when not cached (no query)
    subquery: Callable[[], Any]  # an annotation for a Membership queryset (NULL for none)
    remember: Callable[[Membership, int], None]  # cache a value read through the annotation


_counts: list[NavigationCount] = []


def register_navigation_count(count: NavigationCount) -> None:
    if all(known.name != count.name for known in _counts):
        _counts.append(count)


def navigation_counts() -> list[NavigationCount]:
    return list(_counts)


# --- What follows when someone leaves (docs/architecture.md: registries) ---------------------------------
# accounts records the departure and closes the person's access (services/departures.py); the apps above
# register what else ends with it: matching ends their current matches (telling the other members and
# offering them a re-match), sessions drops their calendar feed and reminders. Each follower is called
# inside the departure's transaction with (organization, employee, actor), in registration order
# (INSTALLED_APPS order), and must be idempotent. Its `pending` (organization, today) names the employees
# who left (left_on <= today) but still hold something the follower would end (a query of employee ids):
# the departures a roster import recorded, or whose date has come, are completed from them.
DepartureFollower = Callable[[Any, Any, Any], None]
DeparturePending = Callable[[Any, date], Any]
_departure_followers: list[DepartureFollower] = []
_departure_pending: list[DeparturePending] = []


def register_departure_follower(follower: DepartureFollower, *, pending: DeparturePending | None = None) -> None:
    if follower not in _departure_followers:
        _departure_followers.append(follower)
    if pending is not None and pending not in _departure_pending:
        _departure_pending.append(pending)


def departure_followers() -> list[DepartureFollower]:
    return list(_departure_followers)


def departure_pending() -> list[DeparturePending]:
    return list(_departure_pending)


# --- What needs the HR admin now (the organization home; docs/architecture.md: registries) ---------------
# accounts shows the home page but knows nothing of applications, runs, matches or surveys: programs,
# matching and analytics each register one provider in their AppConfig.ready(). A provider reads with a
# bounded number of queries (one is the aim, whatever the data), scoped to the organization in the query,
# and returns only what has a count above zero.
@dataclass(frozen=True)
class Attention:
    count: int
    text: str  # "applications waiting for approval in Spring mentoring" (after the count)
    url: str
    hint: str = ""


AttentionProvider = Callable[[Any], list[Attention]]  # (organization) -> items
_attention: list[AttentionProvider] = []


def register_admin_attention(provider: AttentionProvider) -> None:
    if provider not in _attention:
        _attention.append(provider)


def admin_attention(organization: Any) -> list[Attention]:
    items: list[Attention] = []
    for provider in _attention:
        items += provider(organization)
    return items


# --- Chat channels: the places people already work (docs/architecture.md: registries) -----------------------
# A person is told something (a match proposed, a session invitation, a reminder, a check-in, a nudge) by email
# and in-app notice, written by the app that owns the thing. `integrations` (Slack, Teams) registers a channel
# here in its AppConfig.ready() and gets every such notice after it was delivered; the channel decides, from the
# organization's installation and the person's preferences, whether and how to tell the person in chat. A
# channel is called with a batch and must be cheap (it queues its own task) and idempotent (a reminder retried
# after a crash is handed over again): key its deliveries on (kind, object_id, employee_id).


@dataclass(frozen=True)
class PersonalNotice:
    organization_id: int
    employee_id: int  # the recipient's roster row
    kind: str  # a Reminder.Kind value ("session_invite", "session_24h", "checkin_due", ...) or "match_proposed"
    object_id: int  # the reminder's id for reminder kinds; the match's id for "match_proposed"


NoticeChannel = Callable[[list[PersonalNotice]], None]
_notice_channels: list[NoticeChannel] = []


def register_notice_channel(channel: NoticeChannel) -> None:
    """Register a module-level function (tests re-run ready(): a lambda would be registered twice)."""
    if channel not in _notice_channels:
        _notice_channels.append(channel)


def unregister_notice_channel(channel: NoticeChannel) -> None:
    if channel in _notice_channels:
        _notice_channels.remove(channel)


def notice_channels_deliver(notices: list[PersonalNotice]) -> None:
    """Hand delivered notices to every chat channel. A failing channel is logged and does not stop the others
    nor the caller: email and the in-app notice are already out."""
    if not notices:
        return
    for channel in list(_notice_channels):
        try:
            with transaction.atomic():  # a savepoint: a query that fails in a channel leaves the caller's intact
                channel(list(notices))
        except Exception:  # a chat service down must never fail a reminder batch or a match approval
            logging.getLogger(__name__).exception("Chat channel %s failed", getattr(channel, "__name__", channel))
