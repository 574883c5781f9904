"""Delivering the outbox's events to the organizations' webhook endpoints (docs/integrations.md, "Webhooks").

Three steps, each safe to run in any number of workers at once, and each surviving a worker killed at any point:

1. Fan-out (`outbox_dispatch`). In one transaction, outbox rows not yet dispatched are taken with SELECT ... FOR
   UPDATE SKIP LOCKED; each becomes one delivery per enabled endpoint of its organization that subscribes to its
   type (the unique key (endpoint, outbox event) makes a second one impossible), and is marked dispatched. A
   worker killed mid-way rolls the whole transaction back: the rows are dispatched by the next run.
2. Sending (`deliveries_send`). As sessions/services/dispatch.py does for reminders: a random claim id, its
   PostgreSQL advisory lock held for the session, due pending deliveries claimed with SKIP LOCKED and marked
   with it. Each POST's outcome is written right after, on its own, WHERE claim_id = ours. Nothing is held in
   a transaction across the network.
3. Recovery (`deliveries_recover`). Claims whose advisory lock is free belong to a worker that is gone: their
   deliveries are pending again. Without advisory locks (SQLite) a claim is taken back after STALE_CLAIM.

So an event is delivered at least once; the one case of twice is a worker killed between the receiver's answer
and the UPDATE after it, and that repeat carries the same webhook-id, by which the spec asks receivers to drop
repeats. A receiver that answers an error is tried again with exponential backoff (RETRY_AFTER) for 24 hours;
then the delivery fails. Every failed attempt counts against the endpoint; DISABLE_AFTER_FAILURES in a row
(no success between) switch it off, and the organization's admins get an email.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorhub.accounts.languages import language_of_user
from mentorhub.accounts.models import Membership, Organization, OutboxEvent, Role
from mentorhub.db.tenant_scope import all_organizations, organization_scope
from mentorhub.jobs.claim_locks import advisory, uses_claim_locks
from mentorhub.web.safe_fetch import FetchError, post_public_url

from .models import WebhookDelivery, WebhookEndpoint, new_message_id
from .services import endpoint_set_enabled, endpoint_signing_secrets, event_payload
from .signing import signed_headers

logger = logging.getLogger(__name__)

S = WebhookDelivery.Status
BATCH_SIZE = 100
FAN_OUT_BATCH = 500
RETRY_WINDOW = timedelta(hours=24)
# After the first attempt: 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h (about 23.6 hours in all).
RETRY_AFTER = [timedelta(seconds=s) for s in (5, 60, 300, 1800, 7200, 18000, 28800, 28800)]
DISABLE_AFTER_FAILURES = 20
STALE_CLAIM = timedelta(minutes=15)
TIMEOUT_SECONDS = 10.0
MAX_LOG = 20
OUTBOX_KEPT = timedelta(days=7)  # dispatched outbox rows, for inspection
LOG_KEPT = timedelta(days=90)  # the delivery log of delivered and failed deliveries
CLAIM_LOCK_CLASS = 0x5748  # first key of pg_advisory_lock(int, int) for webhook claims ("WH")


@dataclass
class SendReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    disabled: int = 0


# --- 1. Fan-out ---------------------------------------------------------------------------------------------


def outbox_dispatch(*, limit: int = FAN_OUT_BATCH) -> int:
    """Turn up to `limit` undispatched outbox rows into deliveries; returns how many rows were dispatched."""
    with all_organizations(), transaction.atomic():  # the dispatcher serves every organization
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True)
            .order_by("id")[:limit]
        )
        if not events:
            return 0
        by_org: dict[int, list[OutboxEvent]] = defaultdict(list)
        for event in events:
            by_org[event.organization_id].append(event)
        endpoints: dict[int, list[WebhookEndpoint]] = defaultdict(list)
        for endpoint in WebhookEndpoint.objects.filter(organization_id__in=by_org, enabled=True).select_related(
            "organization"
        ):
            endpoints[endpoint.organization_id].append(endpoint)
        deliveries = []
        for organization_id, org_events in by_org.items():
            for event in org_events:
                for endpoint in endpoints.get(organization_id, []):
                    if endpoint.subscribes_to(event.event_type) and endpoint.created_at <= event.created_at:
                        deliveries.append(_delivery_for(endpoint, event))
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=timezone.now())
    return len(events)


def _delivery_for(endpoint: WebhookEndpoint, event: OutboxEvent) -> WebhookDelivery:
    return WebhookDelivery(
        organization_id=endpoint.organization_id,
        endpoint=endpoint,
        outbox_event_id=event.pk,
        message_id=new_message_id(),
        event_type=event.event_type,
        payload=event_payload(
            organization=endpoint.organization,
            event_type=event.event_type,
            occurred_at=event.created_at,
            data={"event_id": event.pk, **event.data},
        ),
        next_attempt_at=timezone.now(),
    )


# --- 2. Sending ---------------------------------------------------------------------------------------------


def _claim(now: datetime, limit: int) -> tuple[int, list[int]]:
    claim_id = secrets.randbelow(2**31 - 2) + 1
    if uses_claim_locks():
        advisory("pg_advisory_lock", CLAIM_LOCK_CLASS, claim_id)
    with all_organizations(), transaction.atomic():
        ids = list(
            # Only the deliveries' rows are locked (of=self), never their endpoints': claims stay independent.
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=S.PENDING, next_attempt_at__lte=now, endpoint__enabled=True)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids, status=S.PENDING).update(
                status=S.CLAIMED, claim_id=claim_id, claimed_at=timezone.now(), attempts=F("attempts") + 1
            )
    return claim_id, ids


def deliveries_send(*, now: datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = 10) -> SendReport:
    """Send due deliveries, batch by batch, until none is due or `max_batches` were done. `now` fixes the
    clock the schedule is read with (tests); the signatures always carry the real time."""
    report = SendReport()
    for _batch in range(max_batches):
        moment = now or timezone.now()
        claim_id, ids = _claim(moment, batch_size)
        try:
            if not ids:
                break
            report.claimed += len(ids)
            with all_organizations():
                rows = list(
                    WebhookDelivery.objects.filter(pk__in=ids, claim_id=claim_id)
                    .select_related("endpoint", "organization")
                    .order_by("organization_id", "id")
                )
            for row in rows:
                with organization_scope(row.organization_id):
                    _send_one(row, claim_id, moment, report)
        finally:
            if uses_claim_locks():
                advisory("pg_advisory_unlock", CLAIM_LOCK_CLASS, claim_id)
    return report


def _send_one(delivery: WebhookDelivery, claim_id: int, now: datetime, report: SendReport) -> None:
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = _signed(endpoint, delivery.message_id, body)
    status: int | None = None
    error = ""
    try:
        answer = post_public_url(endpoint.url, body=body, headers=headers, timeout=TIMEOUT_SECONDS)
        status = answer.status
        if not 200 <= status < 300:
            error = _("The endpoint answered HTTP %(status)s.") % {"status": status}
    except FetchError as exc:
        error = str(exc)
    entry = {"at": timezone.now().isoformat(), "status": status, "error": error[:300]}
    log = [*(delivery.log or []), entry][-MAX_LOG:]
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk, claim_id=claim_id).update(
            status=S.DELIVERED,
            claim_id=None,
            last_status_code=status,
            last_error="",
            log=log,
            delivered_at=timezone.now(),
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        report.delivered += 1
        return
    wait = RETRY_AFTER[min(delivery.attempts, len(RETRY_AFTER)) - 1]
    give_up = delivery.attempts > len(RETRY_AFTER) or now + wait > delivery.created_at + RETRY_WINDOW
    WebhookDelivery.objects.filter(pk=delivery.pk, claim_id=claim_id).update(
        status=S.FAILED if give_up else S.PENDING,
        claim_id=None,
        last_status_code=status,
        last_error=error[:300],
        log=log,
        next_attempt_at=now + wait,
    )
    if give_up:
        report.failed += 1
    else:
        report.retried += 1
    _count_failure(endpoint, report)


def _signed(endpoint: WebhookEndpoint, message_id: str, body: bytes) -> dict[str, str]:
    return signed_headers(endpoint_signing_secrets(endpoint), message_id, int(time.time()), body)


def _count_failure(endpoint: WebhookEndpoint, report: SendReport) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    state = WebhookEndpoint.objects.filter(pk=endpoint.pk).values_list("consecutive_failures", "enabled").first()
    if state is None or not state[1] or state[0] < DISABLE_AFTER_FAILURES:
        return
    organization = endpoint.organization
    reason = _("Switched off after %(count)s failed attempts in a row.") % {"count": state[0]}
    updated = endpoint_set_enabled(
        organization=organization, actor=None, endpoint_id=endpoint.pk, enabled=False, reason=reason
    )
    report.disabled += 1
    _email_admins(organization, updated, failures=state[0])


def _email_admins(organization: Organization, endpoint: WebhookEndpoint, *, failures: int) -> None:
    """Tell the organization's admins that an endpoint was switched off, each in their language (the reason too:
    the one stored on the endpoint was written in the worker's language)."""
    admins = Membership.objects.filter(
        organization=organization, role=Role.ADMIN, deactivated_at__isnull=True
    ).select_related("user")
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    for membership in admins:
        with translation.override(language_of_user(membership.user, organization)):
            subject = _("A webhook endpoint of %(org)s was switched off") % {"org": organization.name}
            body = _(
                "MentorHub could not deliver events to %(url)s: %(reason)s\n\n"
                "Nothing more is sent to it until an admin switches it on again in Settings -> Webhooks:\n"
                "%(link)s\n"
            ) % {
                "url": endpoint.url,
                "reason": _("Switched off after %(count)s failed attempts in a row.") % {"count": failures},
                "link": f"{site}/o/{organization.slug}/settings/webhooks/",
            }
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [membership.user.email])


# --- 3. Recovery --------------------------------------------------------------------------------------------


def deliveries_recover(*, now: datetime | None = None) -> int:
    """Claimed deliveries of workers that are gone are pending again (the attempt counts: one that stopped its
    worker every time fails after as many attempts as retries allow)."""
    moment = now or timezone.now()
    with all_organizations():
        claims = list(WebhookDelivery.objects.filter(status=S.CLAIMED).values_list("claim_id", flat=True).distinct())
        orphaned = []
        for claim_id in claims:
            if claim_id is None:
                continue
            if uses_claim_locks():
                if advisory("pg_try_advisory_lock", CLAIM_LOCK_CLASS, claim_id):
                    advisory("pg_advisory_unlock", CLAIM_LOCK_CLASS, claim_id)
                    orphaned.append(claim_id)
            elif WebhookDelivery.objects.filter(
                claim_id=claim_id, status=S.CLAIMED, claimed_at__lt=moment - STALE_CLAIM
            ).exists():
                orphaned.append(claim_id)
        if not orphaned:
            return 0
        rows = WebhookDelivery.objects.filter(status=S.CLAIMED, claim_id__in=orphaned)
        # A delivery whose every attempt stopped its worker may be what stops them: it fails instead.
        rows.filter(attempts__gt=len(RETRY_AFTER)).update(
            status=S.FAILED, claim_id=None, last_error="Its worker stopped during every attempt."
        )
        taken = rows.update(status=S.PENDING, claim_id=None, last_error="Taken back from a worker that stopped.")
    logger.warning("Webhooks: took back %s deliveries of %s stopped workers", taken, len(orphaned))
    return taken


def webhooks_prune(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Forget what is done with: dispatched outbox rows after OUTBOX_KEPT, finished deliveries (and their
    log) after LOG_KEPT; at most `limit` of each per call. Returns how many rows went."""
    moment = now or timezone.now()
    with all_organizations():  # housekeeping across organizations
        old_events = OutboxEvent.objects.filter(dispatched_at__lt=moment - OUTBOX_KEPT).values_list("pk", flat=True)
        gone = OutboxEvent.objects.filter(pk__in=list(old_events[:limit])).delete()[0]
        old_deliveries = WebhookDelivery.objects.filter(
            status__in=[S.DELIVERED, S.FAILED], created_at__lt=moment - LOG_KEPT
        ).values_list("pk", flat=True)
        gone += WebhookDelivery.objects.filter(pk__in=list(old_deliveries[:limit])).delete()[0]
    return gone


def webhooks_deliver(*, now: datetime | None = None) -> SendReport:
    """The beat task's work: recover, fan out, send, prune."""
    deliveries_recover(now=now)
    for _round in range(20):
        if not outbox_dispatch():
            break
    report = deliveries_send(now=now)
    webhooks_prune(now=now)
    return report
