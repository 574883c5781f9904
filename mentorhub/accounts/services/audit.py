from __future__ import annotations

from typing import Any

from django.db import models

from ..models import AuditEvent, Organization, User


def audit_record(
    *,
    organization: Organization,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one entry to the organization's audit log. `changes` maps field -> [old, new]. `target_label`
    replaces the target's own name (an erasure logs "Erased person #<id>", never what was erased)."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=actor.email if actor is not None else "",
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label if target_label is not None else str(target) if target is not None else "")[:255],
        changes=changes or {},
    )


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs, as {field: [old, new]} (values made JSON-friendly)."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(value)] for key, value in after.items() if before.get(key) != value
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
