"""seed_demo's webhooks: acme's endpoint with a delivery log (one event failed twice, then arrived), switched
off so that nothing is ever sent to its address (reserved, never resolving), safe to run twice. The accounts
demo is enough to seed it (matches and sessions, when seeded before, add their events to the log)."""

from __future__ import annotations

import pytest

from demo.accounts import seed_accounts_demo
from demo.webhooks import URL, seed_webhooks_demo
from integrations.webhooks.delivery import webhooks_deliver
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from mentorhub.accounts.models import Organization, OutboxEvent
from mentorhub.accounts.services.employees import employee_update


@pytest.mark.django_db
def test_acme_has_a_paused_endpoint_with_history_and_nothing_is_sent():
    seed_accounts_demo()
    written = seed_webhooks_demo()
    assert written >= 5
    endpoint = WebhookEndpoint.objects.get(organization__slug="acme")
    assert endpoint.url == URL and endpoint.enabled is False and "not a real receiver" in endpoint.disabled_reason
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert deliveries.count() == written
    assert set(deliveries.values_list("status", flat=True)) == {"delivered"}
    retried = [d for d in deliveries if len(d.log) > 1]
    assert len(retried) == 1 and [e["status"] for e in retried[0].log] == [503, None, 200]
    assert all(d.payload["organization"] == "acme" for d in deliveries)

    acme = Organization.objects.get(slug="acme")
    assert acme.webhooks_active is False
    employee = acme.employees.first()
    employee_update(organization=acme, actor=None, employee_id=employee.pk, values={"title": "Demo"}, source="admin")
    report = webhooks_deliver()
    assert report.claimed == 0 and not OutboxEvent.objects.exists()

    assert seed_webhooks_demo() == 0
    assert WebhookDelivery.objects.filter(endpoint__organization__slug="acme").count() == written
