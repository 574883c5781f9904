"""The outbox: domain events recorded in the same transaction as the change they report.

A service that changes something an organization's own systems may want to hear about calls `outbox_record`
inside its `transaction.atomic`; the row commits with the change or not at all (a rolled-back change sends
nothing). integrations' webhook dispatcher (integrations/webhooks/) reads the rows, makes one delivery per
subscribed endpoint and marks them dispatched. Lower apps cannot import integrations, so the table and this
writer live here, below every app.

While an organization has no enabled webhook endpoint (`Organization.webhooks_active`, kept by integrations),
recording is free: no query at all. Otherwise it is one INSERT.

Payloads (`data`) hold ids and non-sensitive fields only: never names, email addresses, notes or answers
(docs/integrations.md lists each event's fields). A receiver that needs more reads it through the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Organization, OutboxEvent

# Every event type, with what it means (the Settings -> Webhooks page shows these as the choices).
EVENT_TYPES: dict[str, Any] = {
    "employee.created": _("A person was added to the roster (import, SCIM or by hand)."),
    "employee.updated": _("A person's roster entry changed (the names of the changed fields, not their values)."),
    "employee.left": _("A person left the organization."),
    "participant.enrolled": _("A person enrolled in a program, as mentor or mentee."),
    "match.proposed": _("A match was proposed (by a match run or a mentee's request)."),
    "match.approved": _("An admin approved a proposed match."),
    "match.ended": _("A match completed or ended early."),
    "session.scheduled": _("A mentoring session was scheduled."),
    "session.held": _("A mentoring session was marked as held."),
    "survey.answered": _("Someone answered a survey (which survey and when, never the answers)."),
    "program.status_changed": _("A program changed status (enrollment opened, started, closed, ...)."),
}


def outbox_record(*, organization: Organization, event_type: str, data: Mapping[str, Any]) -> None:
    """Record one event for `organization` (call it inside the service's transaction)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown outbox event type {event_type!r}: add it to EVENT_TYPES.")
    if not organization.webhooks_active:
        return
    OutboxEvent.objects.create(organization=organization, event_type=event_type, data=dict(data))


def outbox_record_many(*, organization: Organization, event_type: str, items: Iterable[Mapping[str, Any]]) -> int:
    """Record many events of one type in one INSERT per 1,000 (roster imports). Returns how many."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown outbox event type {event_type!r}: add it to EVENT_TYPES.")
    if not organization.webhooks_active:
        return 0
    rows = [OutboxEvent(organization=organization, event_type=event_type, data=dict(item)) for item in items]
    OutboxEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
