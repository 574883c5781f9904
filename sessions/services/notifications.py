"""In-app notices (read, read all), email preferences with one-click unsubscribe links, and the secret
calendar feed address (created on first use, rotatable)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Membership, Organization
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.db.tenant_scope import activate_organization, all_organizations
from mentorhub.tenancy import scoped

from ..ics import base_url
from ..messages import CATEGORIES
from ..models import CalendarFeed, Notification, NotificationPreference
from ..selectors.notifications import unread_cache_key

UNSUBSCRIBE_SALT = "mentorhub.sessions.unsubscribe"
FEED_TOKEN_PREFIX = "cal_"  # noqa: S105 - a prefix, not a secret
ALL_CATEGORIES = "all"


def _forget_unread(organization: Organization, employee: Employee) -> None:
    """Drop the cached unread count now and again after commit: a page read between the two would otherwise
    cache the old count again."""
    key = unread_cache_key(organization.pk, employee.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# --- In-app notices -----------------------------------------------------------------------------------------


def notification_create(
    *, organization: Organization, recipient: Employee, kind: str, title: str, body: str = "", url: str = ""
) -> Notification:
    """A notice that is not a reminder (something a person did: "Ana ended the match")."""
    notice = Notification(
        organization=organization, recipient=recipient, kind=kind, title=title[:200], body=body[:4000], url=url
    )
    notice.full_clean()
    notice.save()
    _forget_unread(organization, recipient)
    return notice


def notification_mark_read(*, organization: Organization, employee: Employee, notification_id: int) -> Notification:
    notice = scoped(Notification, organization).filter(recipient=employee, pk=notification_id).first()
    if notice is None:
        raise Http404("No such notification.")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        _forget_unread(organization, employee)
    return notice


def notifications_mark_all_read(*, organization: Organization, employee: Employee) -> int:
    count = (
        scoped(Notification, organization)
        .filter(recipient=employee, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    _forget_unread(organization, employee)
    return count


# --- Preferences and unsubscribing ------------------------------------------------------------------------------


@transaction.atomic
def preferences_save(*, organization: Organization, employee: Employee, email_off: list[str]) -> NotificationPreference:
    """Which email categories this person switches off (in-app notices always appear)."""
    known = CATEGORIES
    unknown = sorted(set(email_off) - set(known))
    if unknown:
        raise ValidationError({"email_off": [_("Unknown kind of email: %(kinds)s.") % {"kinds": ", ".join(unknown)}]})
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        organization=organization, employee=employee
    )
    preference.email_off = sorted(set(email_off))
    preference.full_clean()
    preference.save()
    return preference


def _unsubscribe_key() -> bytes:
    return _key_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _key_for(secret: str) -> bytes:
    """Derived once per secret (a rotated SECRET_KEY gets its own), not once per email."""
    return hashlib.sha256(f"{UNSUBSCRIBE_SALT}:{secret}".encode()).digest()


def _unsubscribe_mac(payload: str) -> str:
    return hmac.digest(_unsubscribe_key(), payload.encode(), "sha256").hex()[:32]


def unsubscribe_token(organization_id: int, employee_id: int, category: str) -> str:
    """A non-expiring token for one person and one email category (or "all"): "<org>.<employee>.<category>.
    <HMAC>", keyed by SECRET_KEY. Short, so the List-Unsubscribe header stays on one line, and cheap: the
    dispatcher makes one per email."""
    payload = f"{organization_id}.{employee_id}.{category or ALL_CATEGORIES}"
    return f"{payload}.{_unsubscribe_mac(payload)}"


def unsubscribe_url(organization_id: int, employee_id: int, category: str) -> str:
    token = unsubscribe_token(organization_id, employee_id, category)
    # One reverse() per process, not one per email.
    return base_url() + _unsubscribe_path_template().replace(TOKEN_PLACEHOLDER, token)


TOKEN_PLACEHOLDER = "TOKEN-PLACEHOLDER"  # noqa: S105 - a placeholder, not a secret


@lru_cache(maxsize=1)
def _unsubscribe_path_template() -> str:
    return reverse("unsubscribe", kwargs={"token": TOKEN_PLACEHOLDER})


@dataclass
class Unsubscription:
    organization: Organization
    employee: Employee
    category: str


def unsubscribe_read(token: str) -> Unsubscription | None:
    """The person and category a token names, or None for a forged, damaged or stale token (the employee
    or organization no longer exists, or the category is unknown)."""
    payload, _dot, mac = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 3 or not hmac.compare_digest(_unsubscribe_mac(payload), mac):
        return None
    organization_id, employee_id, category = parts
    if not (
        organization_id.isascii() and organization_id.isdigit() and employee_id.isascii() and employee_id.isdigit()
    ):
        return None
    if category != ALL_CATEGORIES and category not in CATEGORIES:
        return None
    # The signed token names the organization: from here on this request works inside it (row-level security).
    activate_organization(int(organization_id))
    employee = (
        Employee.objects.select_related("organization")
        .filter(organization_id=int(organization_id), pk=int(employee_id))
        .first()
    )
    if employee is None:
        return None
    return Unsubscription(organization=employee.organization, employee=employee, category=category)


@transaction.atomic
def unsubscribe_apply(*, unsubscription: Unsubscription) -> NotificationPreference:
    """Switch the token's category (or all) off, merged with the person's other choices under a row lock:
    two one-click requests at once (or one beside a save of the preferences page) lose nothing."""
    organization, employee = unsubscription.organization, unsubscription.employee
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        organization=organization, employee=employee
    )
    off = set(preference.email_off or [])
    off |= set(CATEGORIES) if unsubscription.category == ALL_CATEGORIES else {unsubscription.category}
    preference.email_off = sorted(off)
    preference.full_clean()
    preference.save()
    return preference


# --- Calendar feed ---------------------------------------------------------------------------------------------


def feed_token(feed: CalendarFeed) -> str:
    """The secret of a feed's address, derived from SECRET_KEY and the feed's nonce (never stored)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"calendar:{feed.organization_id}:{feed.nonce}".encode(), hashlib.sha256
    )
    return FEED_TOKEN_PREFIX + digest.hexdigest()[:48]


def _renew(feed: CalendarFeed) -> None:
    feed.nonce = secrets.token_hex(16)
    feed.token_hash = hash_token(feed_token(feed))


def calendar_feed_get_or_create(*, organization: Organization, employee: Employee) -> CalendarFeed:
    feed = scoped(CalendarFeed, organization).filter(employee=employee).first()
    if feed is not None:
        return feed
    feed = CalendarFeed(organization=organization, employee=employee)
    _renew(feed)
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:  # created by a parallel request a moment ago
        feed = scoped(CalendarFeed, organization).get(employee=employee)
    return feed


@transaction.atomic
def calendar_feed_rotate(*, organization: Organization, employee: Employee) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed = calendar_feed_get_or_create(organization=organization, employee=employee)
    feed = scoped(CalendarFeed, organization).select_for_update().get(pk=feed.pk)
    _renew(feed)
    feed.rotated_at = timezone.now()
    feed.save(update_fields=["nonce", "token_hash", "rotated_at"])
    return feed


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a secret names, or None. Looked up by the token's hash; only tokens of our shape count."""
    if not token.startswith(FEED_TOKEN_PREFIX) or len(token) > 100:
        return None
    with all_organizations():  # the secret says which organization: found by its hash among all of them
        feed = (
            CalendarFeed.objects.select_related("organization", "employee").filter(token_hash=hash_token(token)).first()
        )
    if feed is None or not hmac.compare_digest(feed_token(feed), token):
        return None
    # From here on the request works inside the feed's organization (row-level security).
    activate_organization(feed.organization_id)
    # Only while the person may still sign in to the organization: a removed member's or a deactivated
    # user's calendar stops with their access.
    if not Membership.objects.filter(
        organization_id=feed.organization_id, employee_id=feed.employee_id, user__is_active=True
    ).exists():
        return None
    return feed


def calendar_feed_touch(feed: CalendarFeed) -> None:
    """Record that a calendar fetched the feed (at most once a minute per feed)."""
    now = timezone.now()
    if feed.last_fetched_at is None or (now - feed.last_fetched_at).total_seconds() > 60:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
