"""The organization's people-directory settings: which optional columns members and stakeholders see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import DIRECTORY_COLUMN_KEYS, Organization, User
from .audit import audit_record


@transaction.atomic
def organization_directory_update(*, organization: Organization, actor: User, columns: Iterable[str]) -> Organization:
    """Set the columns members see (kept in DIRECTORY_COLUMNS order); an unknown column is refused."""
    chosen = set(columns)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old = list(organization.directory_columns)
    # Unknown keys stay in the list so full_clean refuses them instead of silently dropping them.
    new = [key for key in DIRECTORY_COLUMN_KEYS if key in chosen] + sorted(chosen - set(DIRECTORY_COLUMN_KEYS))
    if new == old:
        return organization
    organization.directory_columns = new
    organization.full_clean()
    organization.save(update_fields=["directory_columns"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="organization.directory_update",
        target=organization,
        changes={"directory_columns": [old, new]},
    )
    return organization
