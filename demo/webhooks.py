"""Demo webhooks for `manage.py seed_demo`: acme's "HR data lake" endpoint with a delivery log of the past two
weeks (employees added and changed, matches approved, sessions held; one event that failed twice, then arrived;
one test event).

The endpoint's address is under hooks.acme.example: `.example` is reserved (RFC 2606) and never resolves. And
the endpoint is seeded switched OFF, with its reason saying so, after its history: so the embedded scheduler of
`make run` never tries to deliver to it (no outbox rows are even recorded while acme has no enabled endpoint),
and nobody's admin gets an "endpoint switched off" email from the demo. An admin who points it at a receiver of
their own and switches it on sees it work. The history is written directly, as the delivery task leaves it.
Idempotent: once the endpoint exists, this does nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from demo.programs import admin_of
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint, new_message_id
from integrations.webhooks.services import endpoint_create, endpoint_set_enabled, event_payload
from matching.models import Match
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped
from sessions.models import MentoringSession

URL = "https://hooks.acme.example/mentorhub"
EVENTS = ["employee.created", "employee.updated", "employee.left", "match.approved", "match.ended", "session.held"]
PAUSED = "Paused in the demo: hooks.acme.example is not a real receiver. Point it at yours, then switch it on."


def _entry(at, status: int | None, error: str = "") -> dict:
    return {"at": at.isoformat(), "status": status, "error": error}


def seed_webhooks_demo() -> int:
    """acme's endpoint and its log; returns how many deliveries were written (0 when already seeded)."""
    organization = Organization.objects.filter(slug="acme").first()
    admin = admin_of(organization) if organization is not None else None
    if organization is None or admin is None:
        return 0
    if scoped(WebhookEndpoint, organization).filter(url=URL).exists():
        return 0
    endpoint, _secret = endpoint_create(
        organization=organization,
        actor=admin.user,
        url=URL,
        event_types=EVENTS,
        description="HR data lake (people analytics)",
    )
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(created_at=now - timedelta(days=15))
    history: list[tuple[str, dict]] = []
    for employee_id in scoped(Employee, organization).order_by("-id").values_list("id", flat=True)[:4]:
        history.append(("employee.created", {"employee_id": employee_id, "source": "roster_import"}))
    for employee_id in scoped(Employee, organization).order_by("id").values_list("id", flat=True)[:3]:
        history.append(("employee.updated", {"employee_id": employee_id, "fields": ["title"], "source": "scim"}))
    for match_id, program_id in scoped(Match, organization).order_by("id").values_list("id", "program_id")[:4]:
        history.append(("match.approved", {"match_id": match_id, "program_id": program_id, "source": "review"}))
    held = scoped(MentoringSession, organization).filter(status=MentoringSession.Status.HELD).order_by("-starts_at")
    for session in held[:5]:
        history.append(
            (
                "session.held",
                {
                    "session_id": session.pk,
                    "match_id": session.match_id,
                    "program_id": session.program_id,
                    "starts_at": session.starts_at.isoformat(),
                    "duration_minutes": session.duration_minutes,
                    "format": session.format,
                    "status": session.status,
                },
            )
        )
    rows = []
    for index, (event_type, data) in enumerate(history):
        at = now - timedelta(days=14) + timedelta(hours=index * 70 % (14 * 24))
        log = [_entry(at + timedelta(seconds=1), 204)]
        if index == 5:  # the receiver was down for a few minutes: two failures, then it arrived
            log = [
                _entry(at, 503, "The endpoint answered HTTP 503."),
                _entry(at + timedelta(seconds=5), None, "hooks.acme.example took too long to answer."),
                _entry(at + timedelta(minutes=1, seconds=5), 200),
            ]
        rows.append(
            WebhookDelivery(
                organization=organization,
                endpoint=endpoint,
                message_id=new_message_id(),
                event_type=event_type,
                payload=event_payload(organization=organization, event_type=event_type, occurred_at=at, data=data),
                status=WebhookDelivery.Status.DELIVERED,
                attempts=len(log),
                next_attempt_at=at,
                last_status_code=log[-1]["status"],
                log=log,
                delivered_at=at + timedelta(minutes=1),
                created_at=at,
            )
        )
    test_at = now - timedelta(days=15) + timedelta(minutes=3)
    rows.append(
        WebhookDelivery(
            organization=organization,
            endpoint=endpoint,
            message_id=new_message_id(),
            event_type="webhook.test",
            payload=event_payload(
                organization=organization,
                event_type="webhook.test",
                occurred_at=test_at,
                data={"endpoint_id": endpoint.pk},
            ),
            status=WebhookDelivery.Status.DELIVERED,
            attempts=1,
            next_attempt_at=test_at,
            last_status_code=200,
            log=[_entry(test_at, 200)],
            delivered_at=test_at,
            created_at=test_at,
        )
    )
    WebhookDelivery.objects.bulk_create(rows)
    endpoint_set_enabled(
        organization=organization, actor=admin.user, endpoint_id=endpoint.pk, enabled=False, reason=PAUSED
    )
    return len(rows)
