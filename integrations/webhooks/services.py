"""Settings -> Webhooks: every write an admin makes to the organization's endpoints (docs/integrations.md).

Each one is audited. `Organization.webhooks_active` follows the endpoints: the outbox records events only while
it is on (mentorhub/accounts/outbox.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identity.crypto import secret_decrypt, secret_encrypt
from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.outbox import EVENT_TYPES
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404
from mentorhub.web.safe_fetch import address_refusal, url_refusal

from .models import WebhookDelivery, WebhookEndpoint, new_message_id
from .signing import secret_generate

ROTATION_OVERLAP = timedelta(hours=24)
TEST_EVENT = "webhook.test"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def endpoint_url_refusal(url: str) -> str | None:
    """Why this address cannot be a webhook endpoint (None: it can, if its host resolves to public addresses,
    which every delivery checks again). https only; http only to a test's own loopback server
    (OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS, empty in production)."""
    refusal = url_refusal(url)
    if refusal:
        return _("The address is not a valid https:// URL.")
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    allowed_ports = {int(p) for p in getattr(settings, "OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS", ()) or ()}
    if parts.scheme.lower() != "https" and not (host in LOOPBACK_HOSTS and port in allowed_ports):
        return _("The address must start with https:// (webhooks are never sent unencrypted).")
    try:
        why = address_refusal(host, port)
    except ValueError:
        why = None  # a name: resolved and checked on every delivery
    if why is None and host == "localhost" and port not in allowed_ports:
        why = "a loopback address"
    if why:
        return _("MentorHub does not send webhooks to %(host)s: it is %(why)s.") % {"host": host, "why": why}
    return None


def _clean_events(event_types: Iterable[str]) -> list[str]:
    chosen = sorted(set(event_types))
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown:
        raise ValidationError(_("Unknown event type: %(names)s.") % {"names": ", ".join(unknown)})
    if not chosen:
        raise ValidationError(_("Choose at least one event to send."))
    return chosen


def _check_url(url: str) -> str:
    refusal = endpoint_url_refusal(url)
    if refusal:
        raise ValidationError({"url": refusal})
    return url.strip()


def webhooks_active_refresh(*, organization: Organization) -> bool:
    """Set the organization's "has an enabled endpoint" flag from its endpoints (and on the instance). The
    organization's row is locked first: two admins switching endpoints at once are counted one after the other,
    so the flag never ends False while an endpoint is on (which would record no events)."""
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        active = WebhookEndpoint.objects.filter(organization=organization, enabled=True).exists()
        Organization.objects.filter(pk=organization.pk).update(webhooks_active=active)
    organization.webhooks_active = active
    return active


def endpoint_get(*, organization: Organization, endpoint_id: int) -> WebhookEndpoint:
    return get_scoped_or_404(WebhookEndpoint, organization, pk=endpoint_id)


@transaction.atomic
def endpoint_create(
    *, organization: Organization, actor: User, url: str, event_types: Iterable[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new enabled endpoint; returns it with its secret, shown to the admin this once."""
    secret = secret_generate()
    endpoint = WebhookEndpoint(
        organization=organization,
        url=_check_url(url),
        description=description.strip(),
        event_types=_clean_events(event_types),
        secret_encrypted=secret_encrypt(secret),
    )
    endpoint.full_clean()
    endpoint.save()
    webhooks_active_refresh(organization=organization)
    audit_record(
        organization=organization,
        actor=actor,
        verb="webhook.create",
        target=endpoint,
        changes={"events": [None, endpoint.event_types]},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    organization: Organization,
    actor: User,
    endpoint_id: int,
    url: str,
    event_types: Iterable[str],
    description: str = "",
) -> WebhookEndpoint:
    endpoint = get_scoped_or_404(WebhookEndpoint.objects.select_for_update(), organization, pk=endpoint_id)
    before = {"url": endpoint.url, "events": endpoint.event_types, "description": endpoint.description}
    endpoint.url = _check_url(url)
    endpoint.event_types = _clean_events(event_types)
    endpoint.description = description.strip()
    endpoint.full_clean()
    endpoint.save()
    after = {"url": endpoint.url, "events": endpoint.event_types, "description": endpoint.description}
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    audit_record(organization=organization, actor=actor, verb="webhook.update", target=endpoint, changes=changes)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, organization: Organization, actor: User, endpoint_id: int) -> str:
    """A new secret (returned, shown once). The previous one stays valid for ROTATION_OVERLAP: deliveries
    meanwhile carry a signature with each."""
    endpoint = get_scoped_or_404(WebhookEndpoint.objects.select_for_update(), organization, pk=endpoint_id)
    secret = secret_generate()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret_encrypted = secret_encrypt(secret)
    endpoint.save(update_fields=["previous_secret_encrypted", "previous_secret_expires_at", "secret_encrypted"])
    audit_record(organization=organization, actor=actor, verb="webhook.rotate_secret", target=endpoint)
    return secret


def endpoint_signing_secrets(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> list[str]:
    """The secrets deliveries are signed with now: the current one, and the previous one during the overlap."""
    moment = now or timezone.now()
    found = [secret_decrypt(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires is not None and expires > moment:
        found.append(secret_decrypt(endpoint.previous_secret_encrypted))
    return [secret for secret in found if secret]


@transaction.atomic
def endpoint_set_enabled(
    *, organization: Organization, actor: User | None, endpoint_id: int, enabled: bool, reason: str = ""
) -> WebhookEndpoint:
    """Switch an endpoint on (its failure count starts again) or off (nothing more is queued for it; deliveries
    waiting stay in the log, and are sent if it is switched on again within their 24 hours)."""
    endpoint = get_scoped_or_404(WebhookEndpoint.objects.select_for_update(), organization, pk=endpoint_id)
    if endpoint.enabled == enabled:
        return endpoint
    endpoint.enabled = enabled
    endpoint.disabled_reason = "" if enabled else reason[:200]
    if enabled:
        endpoint.consecutive_failures = 0
    endpoint.save(update_fields=["enabled", "disabled_reason", "consecutive_failures", "updated_at"])
    webhooks_active_refresh(organization=organization)
    audit_record(
        organization=organization,
        actor=actor,
        verb="webhook.enable" if enabled else "webhook.disable",
        target=endpoint,
        changes={"reason": [None, reason]} if reason else None,
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, organization: Organization, actor: User, endpoint_id: int) -> str:
    """Delete an endpoint with its delivery log; returns its URL."""
    endpoint = get_scoped_or_404(WebhookEndpoint.objects.select_for_update(), organization, pk=endpoint_id)
    url = endpoint.url
    audit_record(organization=organization, actor=actor, verb="webhook.delete", target=endpoint)
    endpoint.delete()
    webhooks_active_refresh(organization=organization)
    return url


@transaction.atomic
def endpoint_send_test(*, organization: Organization, actor: User, endpoint_id: int) -> WebhookDelivery:
    """Queue a `webhook.test` event to this endpoint (sent by the next delivery run, within seconds)."""
    endpoint = get_scoped_or_404(WebhookEndpoint, organization, pk=endpoint_id)
    message_id = new_message_id()
    delivery = WebhookDelivery.objects.create(
        organization=organization,
        endpoint=endpoint,
        message_id=message_id,
        event_type=TEST_EVENT,
        payload=event_payload(
            organization=organization,
            event_type=TEST_EVENT,
            occurred_at=timezone.now(),
            data={"endpoint_id": endpoint.pk},
        ),
    )
    audit_record(organization=organization, actor=actor, verb="webhook.send_test", target=endpoint)
    return delivery


@transaction.atomic
def delivery_send_again(*, organization: Organization, actor: User, endpoint_id: int, delivery_id: int) -> bool:
    """Send a delivered or failed delivery again, with the same webhook-id. A second click while it waits does
    nothing (the conditional update finds it pending): returns whether it was queued now."""
    delivery = get_scoped_or_404(WebhookDelivery, organization, pk=delivery_id, endpoint_id=endpoint_id)
    queued = WebhookDelivery.objects.filter(
        organization=organization,
        pk=delivery.pk,
        status__in=[WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED],
    ).update(
        # A new round: its own 24 hours of retries, counted from now.
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
        attempts=0,
    )
    if queued:
        audit_record(organization=organization, actor=actor, verb="webhook.send_again", target=delivery)
    return bool(queued)


def event_payload(*, organization: Organization, event_type: str, occurred_at: datetime, data: dict) -> dict:
    """The JSON body of a delivery: the Standard Webhooks envelope (type, timestamp, data)."""
    return {"type": event_type, "timestamp": occurred_at.isoformat(), "organization": organization.slug, "data": data}
