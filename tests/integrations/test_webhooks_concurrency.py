"""Three delivery runs at once (overlapping beat ticks, several workers) send each event once: the outbox rows
and the deliveries are claimed with SELECT ... FOR UPDATE SKIP LOCKED, on three real PostgreSQL connections."""

from __future__ import annotations

from integrations.webhooks.delivery import webhooks_deliver
from integrations.webhooks.models import WebhookDelivery
from integrations.webhooks.services import endpoint_create
from mentorhub.accounts.services.employees import employee_create
from tests.accounts.roster_helpers import person
from tests.helpers import race, require_postgresql

from .receiver import receiver

ROW_KEYS = ("employee_id", "email", "name", "title", "department", "job_level", "location", "time_zone", "hired_on")


def test_overlapping_runs_send_every_event_once(transactional_db, settings, org, admin):
    require_postgresql()
    with receiver() as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        endpoint_create(organization=org, actor=admin.user, url=server.url(), event_types=["employee.created"])
        org.refresh_from_db()
        for number in range(12):
            values = person(f"E{number}")
            employee_create(organization=org, actor=None, values={key: values[key] for key in ROW_KEYS}, source="admin")

        results = race(webhooks_deliver, webhooks_deliver, webhooks_deliver)

    assert [kind for kind, _report in results] == ["ok", "ok", "ok"], results
    assert sum(report.delivered for _kind, report in results) == 12
    ids = [r.headers["webhook-id"] for r in server.received]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert WebhookDelivery.objects.filter(status="delivered").count() == 12
