"""A worker killed mid-delivery loses nothing: a REAL Celery worker runs the delivery task and is SIGKILLed by
the receiver the moment the POST arrives, before it could record the answer. Its claim's advisory lock dies
with its database connection, the next run takes the delivery back and sends it again, with the same
webhook-id (receivers drop repeats by it): the event arrives, and is marked delivered once."""

from __future__ import annotations

import os
import signal
import time

import pytest

from integrations.tasks import deliver_webhooks
from integrations.webhooks.delivery import deliveries_recover, webhooks_deliver
from integrations.webhooks.models import WebhookDelivery
from integrations.webhooks.services import endpoint_create
from mentorhub.accounts.services.employees import employee_create
from tests.accounts.roster_helpers import person

from .receiver import receiver

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]
ROW_KEYS = ("employee_id", "email", "name", "title", "department", "job_level", "location", "time_zone", "hired_on")


def test_a_worker_killed_while_posting_loses_nothing(transactional_db, request, monkeypatch, settings, org, admin):
    with receiver() as server:
        # The worker reads its allowance from the environment, this process from its settings.
        monkeypatch.setenv("OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS", str(server.port))
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        worker = request.getfixturevalue("celery_worker_process")
        server.on_request = lambda: os.killpg(worker.process.pid, signal.SIGKILL)
        endpoint_create(organization=org, actor=admin.user, url=server.url(), event_types=["employee.created"])
        values = person("E1")
        employee = employee_create(
            organization=org, actor=None, values={key: values[key] for key in ROW_KEYS}, source="admin"
        )

        deliver_webhooks.delay()
        deadline = time.monotonic() + 60
        while worker.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker.process.poll() is not None, worker.log()
        assert len(server.received) == 1
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "claimed"  # posted, its answer never recorded

        server.on_request = None
        # The dead worker's connection (and its claim's lock) goes once PostgreSQL notices: taken back then.
        deadline = time.monotonic() + 30
        while not deliveries_recover() and time.monotonic() < deadline:
            time.sleep(0.2)
        report = webhooks_deliver()

    assert report.delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(server.received) == 2
    assert len({r.headers["webhook-id"] for r in server.received}) == 1
    assert all(f'"employee_id":{employee.pk}'.encode() in r.body for r in server.received)
