"""A person's own calendar as a free/busy feed: saving or removing its address, and fetching it (a Celery task,
hourly and once right after saving).

The address is a capability (whoever holds it reads the calendar): stored encrypted (identity/crypto.py), shown
only as its host, never written to a log or an audit entry. Fetching goes through the SSRF guard
(mentorhub/web/safe_fetch.py); the file is reduced to busy intervals of the next 14 days (sessions/busy_calendar.py)
and only those are stored. A failed fetch is recorded for the person and tried again at the next hourly tick;
a feed failing for 3 days is switched off, its intervals dropped, and the person told.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from identity.crypto import secret_decrypt, secret_encrypt
from mentorhub.accounts.languages import language_of_employee
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped
from mentorhub.web.safe_fetch import FetchError, fetch_public_url, url_refusal

from ..busy_calendar import CalendarParseError, busy_intervals
from ..models import BusyFeed, BusyInterval, Notification
from ..timeslots import zone_or_utc
from .notifications import notification_create

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=14)
SWITCH_OFF_AFTER = timedelta(days=3)
FETCH_TIMEOUT_SECONDS = 15.0
FETCH_MAX_BYTES = 4 * 1024 * 1024  # a busy year of Outlook events is well under this
CLAIM_EXPIRES = timedelta(minutes=10)  # a fetch stopped mid-way (worker lost) is taken again after this
MAX_URL_LENGTH = 2000


def busy_feed_address(url: str) -> str:
    """The address to store: webcal:// (what Apple and Outlook links often say) is https://. ValidationError
    with a message for the person when it cannot be fetched at all."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    if not url:
        raise ValidationError(_("Paste your calendar's address."))
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(_("The address is longer than %(count)s characters.") % {"count": MAX_URL_LENGTH})
    refusal = url_refusal(url)
    if refusal:
        raise ValidationError(refusal)
    return url


def busy_feed_save(*, organization: Organization, actor: User | None, employee: Employee, url: str) -> BusyFeed:
    """Set (or replace) this person's calendar address; its busy times are fetched right after the commit."""
    address = busy_feed_address(url)
    host = (urlsplit(address).hostname or "")[:255]
    with transaction.atomic():
        feed = scoped(BusyFeed, organization).select_for_update().filter(employee=employee).first()
        old_host = feed.url_host if feed else ""
        if feed is None:
            feed = BusyFeed(organization=organization, employee=employee)
        feed.url_encrypted = secret_encrypt(address)
        feed.url_host = host
        feed.status = BusyFeed.Status.ACTIVE
        feed.last_error = ""
        feed.last_fetched_at = feed.last_success_at = feed.failing_since = feed.fetching_since = None
        feed.full_clean()
        feed.save()
        # The old address's busy times are not this one's.
        scoped(BusyInterval, organization).filter(feed=feed).delete()
        audit_record(
            organization=organization,
            actor=actor,
            verb="busy_feed.save",
            target=employee,
            changes={"calendar_host": [old_host, host]},  # the host only: the address is a secret
        )
        feed_id = feed.pk
        transaction.on_commit(lambda: _send_refresh(organization.pk, feed_id))
    return feed


def _send_refresh(organization_id: int, feed_id: int) -> None:
    from ..tasks import refresh_busy_feed  # the task calls this module's services

    refresh_busy_feed.delay(organization_id=organization_id, feed_id=feed_id)


def busy_feed_remove(*, organization: Organization, actor: User | None, employee: Employee) -> bool:
    """Forget this person's calendar address and every busy time read from it. False: there was none."""
    with transaction.atomic():
        feed = scoped(BusyFeed, organization).filter(employee=employee).first()
        if feed is None:
            return False
        host = feed.url_host
        feed.delete()  # its intervals go with it (cascade)
        audit_record(
            organization=organization,
            actor=actor,
            verb="busy_feed.remove",
            target=employee,
            changes={"calendar_host": [host, ""]},
        )
    return True


def busy_feed_refresh(*, organization: Organization, feed_id: int, now: datetime | None = None) -> str:
    """Fetch one feed and replace its busy intervals. Idempotent: a conditional UPDATE claims the feed, so a
    second task for it (sent twice, or by two ticks) does nothing while the first runs, and the result of a
    fetch is always the whole set of intervals, never added to the old one. Returns what happened."""
    now = now or timezone.now()
    claimed = (
        scoped(BusyFeed, organization)
        .filter(pk=feed_id, status=BusyFeed.Status.ACTIVE)
        .filter(Q(fetching_since__isnull=True) | Q(fetching_since__lt=now - CLAIM_EXPIRES))
        .update(fetching_since=now)
    )
    if not claimed:
        return "skipped"
    feed = scoped(BusyFeed, organization).select_related("employee").filter(pk=feed_id).first()
    if feed is None:  # removed a moment ago
        return "superseded"
    try:
        address = secret_decrypt(feed.url_encrypted)
        if not address:
            raise CalendarParseError("The saved address can no longer be read: paste it again.")
        result = fetch_public_url(
            address,
            timeout=FETCH_TIMEOUT_SECONDS,
            max_bytes=FETCH_MAX_BYTES,
            accept="text/calendar, text/plain;q=0.5, */*;q=0.1",
        )
        intervals = _busy_intervals_or_parse_error(result.body, now, zone_or_utc(feed.employee.time_zone))
    except (FetchError, CalendarParseError) as error:
        # The error's text names the host at most, never the address (mentorhub/web/safe_fetch.py).
        logger.info("busy feed %s of organization %s failed: %s", feed.pk, organization.pk, type(error).__name__)
        return _failed(organization, feed, now, str(error))
    with transaction.atomic():
        # Only the claim's holder writes: the address may have been replaced or removed meanwhile.
        if not _release(organization, feed, now, last_success_at=now, last_error="", failing_since=None):
            return "superseded"
        scoped(BusyInterval, organization).filter(feed=feed).delete()
        BusyInterval.objects.bulk_create(
            BusyInterval(organization=organization, feed=feed, employee=feed.employee, starts_at=s, ends_at=e)
            for s, e in intervals
        )
    return "fetched"


def _release(organization: Organization, feed: BusyFeed, claim: datetime, **fields: object) -> bool:
    return bool(
        scoped(BusyFeed, organization)
        .filter(pk=feed.pk, fetching_since=claim, status=BusyFeed.Status.ACTIVE)
        .update(fetching_since=None, last_fetched_at=claim, **fields)
    )


def _failed(organization: Organization, feed: BusyFeed, now: datetime, message: str) -> str:
    failing_since = feed.failing_since or now
    with transaction.atomic():
        if not _release(organization, feed, now, last_error=message[:300], failing_since=failing_since):
            return "superseded"
        if now - failing_since < SWITCH_OFF_AFTER:
            return "failed"
        scoped(BusyFeed, organization).filter(pk=feed.pk).update(status=BusyFeed.Status.OFF)
        scoped(BusyInterval, organization).filter(feed=feed).delete()
        with translation.override(language_of_employee(organization, feed.employee_id)):
            title = _("Your calendar address was switched off")
            body = _(
                "MentorHub could not read your calendar (%(host)s) for 3 days: %(error)s Your own calendar's busy "
                "times are no longer used to find a time. Paste the address again to switch it back on."
            ) % {"host": feed.url_host, "error": message[:200]}
        notification_create(
            organization=organization,
            recipient=feed.employee,
            kind=Notification.BUSY_FEED,
            title=title,
            body=body,
            url=reverse("busy-feed", kwargs={"org_slug": organization.slug}),
        )
    return "switched_off"


def _busy_intervals_or_parse_error(body: bytes, now: datetime, zone) -> list:
    """A calendar file we cannot read (two RRULEs on one event, a malformed date...) is the feed's failure, shown to
    its owner and counted toward switching it off, never a task that dies on every hourly run."""
    try:
        return busy_intervals(body, start=now, end=now + WINDOW, zone=zone)
    except CalendarParseError:
        raise
    except Exception as error:  # any parser failure is the file's, reported as such
        logger.info("busy feed calendar unreadable: %s", type(error).__name__)
        raise CalendarParseError("The calendar file could not be read.") from error
