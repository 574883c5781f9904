"""Outgoing webhooks, end to end against a real receiver on loopback: the outbox row written with the change,
fanned out to the subscribed endpoints, POSTed with Standard Webhooks signatures that the reference library
(`standardwebhooks`, Webhook.verify) accepts; retries, rotation, SSRF refusals, auto-disable.

Tests may use http:// on loopback: OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS names the receiver's port (the same
allowance as every safe_fetch test; empty in production, where endpoints must be https://)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations.webhooks import delivery as engine
from integrations.webhooks.delivery import webhooks_deliver
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks.services import endpoint_create, endpoint_rotate_secret
from mentorhub.accounts.models import AuditEvent, Organization, OutboxEvent
from mentorhub.accounts.outbox import outbox_record
from mentorhub.accounts.services.employees import employee_create, employee_update
from tests.accounts.roster_helpers import person

from .receiver import receiver

pytestmark = pytest.mark.django_db
ROW_KEYS = ("employee_id", "email", "name", "title", "department", "job_level", "location", "time_zone", "hired_on")


def row(employee_id: str) -> dict[str, str]:
    values = person(employee_id)
    return {key: values[key] for key in ROW_KEYS}


@pytest.fixture
def hook(settings, org, admin):
    """A receiver answering 200, and an endpoint of `org` subscribed to employee events pointing at it."""
    with receiver() as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        endpoint, secret = endpoint_create(
            organization=org,
            actor=admin.user,
            url=server.url(),
            event_types=["employee.created", "employee.updated"],
        )
        yield server, endpoint, secret


def test_an_event_arrives_signed_and_the_reference_library_verifies_it(hook, org):
    server, endpoint, secret = hook
    employee = employee_create(organization=org, actor=None, values=row("E1"), source="admin")

    report = webhooks_deliver()

    assert report.delivered == 1
    [got] = server.received
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "employee.created"
    assert payload["organization"] == org.slug
    assert payload["data"]["employee_id"] == employee.pk
    assert payload["data"]["source"] == "admin"
    # Ids and the source only: the person's name and email never leave in a webhook.
    assert b"Person E1" not in got.body and b"e1@alpha.test" not in got.body
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["webhook-signature"].startswith("v1,")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.last_status_code, delivery.attempts) == ("delivered", 200, 1)
    assert OutboxEvent.objects.get().dispatched_at is not None
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(got.body.replace(b"E", b"F", 1) + b" ", got.headers)


def test_only_subscribed_events_of_the_endpoint_s_own_organization_are_sent(hook, org, other_org):
    server, _endpoint, _secret = hook
    other_org.webhooks_active = True  # as if beta had an endpoint too: its events are recorded, not sent here
    other_org.save()
    employee_create(organization=other_org, actor=None, values=row("B1"), source="admin")
    outbox_record(organization=org, event_type="program.status_changed", data={"program_id": 1})  # not subscribed

    webhooks_deliver()

    assert server.received == []
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_a_receiver_failing_three_times_gets_the_event_once_more_and_not_twice(hook, org):
    server, endpoint, _secret = hook
    server.statuses = [500, 503, 502]
    employee_create(organization=org, actor=None, values=row("E1"), source="admin")
    now = timezone.now()

    for _ in range(8):  # each run an hour after the last: the first retries (seconds to minutes) are due
        webhooks_deliver(now=now)
        now += timedelta(hours=1)

    assert [r.body for r in server.received].count(server.received[0].body) == 4
    assert len({r.headers["webhook-id"] for r in server.received}) == 1  # the same message each time
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "delivered"
    assert delivery.attempts == 4
    assert [entry["status"] for entry in delivery.log] == [500, 503, 502, 200]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0  # a success starts the count again


def test_retries_wait_longer_each_time_and_stop_after_24_hours(settings, org, admin):
    with receiver([500] * 50) as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        endpoint, _ = endpoint_create(
            organization=org, actor=admin.user, url=server.url(), event_types=["employee.created"]
        )
        employee_create(organization=org, actor=None, values=row("E1"), source="admin")
        start = timezone.now()
        waits = []
        now = start
        for _ in range(20):
            webhooks_deliver(now=now)
            delivery = WebhookDelivery.objects.get(endpoint=endpoint)
            if delivery.status == "failed":
                break
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert delivery.status == "failed"
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert now - start <= timedelta(hours=24)
    assert delivery.attempts == len(server.received)


def test_a_rolled_back_transaction_sends_nothing(hook, org):
    server, _endpoint, _secret = hook

    with pytest.raises(RuntimeError), transaction.atomic():
        employee_create(organization=org, actor=None, values=row("E1"), source="admin")
        raise RuntimeError("the request failed after the change")

    assert not OutboxEvent.objects.exists()
    webhooks_deliver()
    assert server.received == []


def test_without_an_endpoint_recording_costs_no_query(org, django_assert_num_queries):
    org.refresh_from_db()
    assert org.webhooks_active is False
    with django_assert_num_queries(0):
        outbox_record(organization=org, event_type="employee.left", data={"employee_id": 1})
    assert not OutboxEvent.objects.exists()


def test_rotation_signs_with_both_secrets_for_24_hours(hook, org, admin):
    server, endpoint, old_secret = hook
    new_secret = endpoint_rotate_secret(organization=org, actor=admin.user, endpoint_id=endpoint.pk)
    assert new_secret != old_secret and new_secret.startswith("whsec_")

    employee_create(organization=org, actor=None, values=row("E1"), source="admin")
    webhooks_deliver()
    first = server.received[-1]
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old_secret).verify(first.body, first.headers)["type"] == "employee.created"
    assert Webhook(new_secret).verify(first.body, first.headers)["type"] == "employee.created"

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
    employee_update(
        organization=org,
        actor=None,
        employee_id=WebhookDelivery.objects.get().payload["data"]["employee_id"],
        values={"title": "Lead"},
        source="admin",
    )
    webhooks_deliver()
    second = server.received[-1]
    assert json.loads(second.body)["type"] == "employee.updated"
    assert json.loads(second.body)["data"]["fields"] == ["title"]
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    assert Webhook(new_secret).verify(second.body, second.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(second.body, second.headers)
    assert AuditEvent.objects.filter(organization=org, verb="webhook.rotate_secret").count() == 1


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://hooks.example.com/x", "https://"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://10.0.0.5/hook", "private"),
        ("https://[::1]:8443/hook", "loopback"),
        ("https://localhost:8443/hook", "loopback"),
        ("https://user:pw@hooks.example.com/x", "valid"),
        ("ftp://hooks.example.com/x", "valid"),
    ],
)
def test_addresses_that_are_not_public_https_are_refused(org, admin, url, words):
    with pytest.raises(ValidationError) as caught:
        endpoint_create(organization=org, actor=admin.user, url=url, event_types=["employee.created"])
    assert words in " ".join(caught.value.message_dict["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(settings, hook, org):
    server, endpoint, _secret = hook
    settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = []  # the receiver's loopback port is no longer allowed
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"https://localhost:{server.port}/hooks")
    employee_create(organization=org, actor=None, values=row("E1"), source="admin")

    report = webhooks_deliver()

    assert report.retried == 1 and server.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "loopback" in delivery.last_error and "/hooks" not in delivery.last_error


def test_an_endpoint_failing_again_and_again_is_switched_off_and_the_admins_told(settings, org, admin, mailoutbox):
    with receiver([500] * 5) as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        endpoint, _ = endpoint_create(
            organization=org, actor=admin.user, url=server.url(), event_types=["employee.created"]
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=engine.DISABLE_AFTER_FAILURES - 1)
        employee_create(organization=org, actor=None, values=row("E1"), source="admin")
        report = webhooks_deliver()
    assert report.disabled == 1
    endpoint.refresh_from_db()
    assert endpoint.enabled is False and "failed attempts" in endpoint.disabled_reason
    assert Organization.objects.get(pk=org.pk).webhooks_active is False
    assert AuditEvent.objects.filter(organization=org, verb="webhook.disable", actor=None).count() == 1
    [mail] = mailoutbox
    assert mail.to == [admin.user.email]
    assert server.url() in mail.body and "/o/alpha/settings/webhooks/" in mail.body
    # Switched off: the next request (which loads the organization afresh) records no event at all.
    org.refresh_from_db()
    employee_create(organization=org, actor=None, values=row("E2"), source="admin")
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 0


def test_old_outbox_rows_and_finished_deliveries_are_pruned(hook, org):
    server, _endpoint, _secret = hook
    employee_create(organization=org, actor=None, values=row("E1"), source="admin")
    webhooks_deliver()
    assert OutboxEvent.objects.count() == 1 and WebhookDelivery.objects.count() == 1
    webhooks_deliver(now=timezone.now() + engine.OUTBOX_KEPT + timedelta(minutes=1))
    assert OutboxEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 1  # the log stays longer
    webhooks_deliver(now=timezone.now() + engine.LOG_KEPT + timedelta(minutes=1))
    assert WebhookDelivery.objects.count() == 0 and len(server.received) == 1


def test_the_docs_by_hand_verification_accepts_a_real_delivery(hook, org, settings):
    """docs/integrations.md's "by hand" snippet, run as written, against what the receiver got."""
    server, _endpoint, secret = hook
    employee_create(organization=org, actor=None, values=row("E1"), source="admin")
    webhooks_deliver()
    [got] = server.received
    text = (Path(settings.BASE_DIR) / "docs" / "integrations.md").read_text()
    snippet = text.split("or by hand:\n\n```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(snippet, scope)  # noqa: S102 - the documentation's own code
    assert scope["verify"](secret, got.headers, got.body) is True
    assert scope["verify"](secret, got.headers, got.body + b" ") is False


def test_claims_of_stopped_workers_are_taken_back_and_a_poison_delivery_fails(hook, org):
    _server, _endpoint, _secret = hook
    employee_create(organization=org, actor=None, values=row("E1"), source="admin")
    employee_create(organization=org, actor=None, values=row("E2"), source="admin")
    engine.outbox_dispatch()
    first, second = WebhookDelivery.objects.order_by("id")
    # As a worker leaves them when it is killed: claimed under a claim whose lock nobody holds any more.
    WebhookDelivery.objects.filter(pk=first.pk).update(status="claimed", claim_id=4242, attempts=1)
    WebhookDelivery.objects.filter(pk=second.pk).update(
        status="claimed", claim_id=4242, attempts=len(engine.RETRY_AFTER) + 1
    )

    assert engine.deliveries_recover(now=timezone.now() + engine.STALE_CLAIM * 2) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.claim_id) == ("pending", None)
    assert (second.status, second.last_error) == ("failed", "Its worker stopped during every attempt.")
