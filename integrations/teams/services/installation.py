"""Settings -> Microsoft Teams: the organization's Microsoft 365 tenant and the on/off switch."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.db.tenant_scope import all_organizations

from ..models import TeamsInstallation

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def tenant_id_clean(value: str) -> str:
    tenant_id = (value or "").strip().lower()
    if tenant_id and not GUID.match(tenant_id):
        raise ValidationError(
            {"tenant_id": [_("A tenant id looks like 72f988bf-86f1-41af-91ab-2d7cd011db47 (Entra ID, Overview).")]}
        )
    return tenant_id


@transaction.atomic
def teams_installation_update(
    *, organization: Organization, actor: User | None, tenant_id: str, enabled: bool
) -> TeamsInstallation:
    """Save the tenant and the switch. A tenant belongs to one organization (an activity's tenant names the
    organization it is for); switching on needs a tenant."""
    tenant_id = tenant_id_clean(tenant_id)
    if enabled and not tenant_id:
        raise ValidationError({"tenant_id": [_("Enter your Microsoft 365 tenant id to switch the Teams app on.")]})
    with all_organizations():  # is the tenant another organization's? (the answer names no organization)
        taken = (
            TeamsInstallation.objects.filter(tenant_id=tenant_id).exclude(organization=organization).exists()
            if tenant_id
            else False
        )
    if taken:
        raise ValidationError({"tenant_id": [_("This tenant is connected to another organization already.")]})
    installation = TeamsInstallation.objects.filter(organization=organization).select_for_update().first()
    before = (installation.tenant_id, installation.enabled) if installation else ("", False)
    if installation is None:
        installation = TeamsInstallation(organization=organization)
    installation.tenant_id, installation.enabled = tenant_id, enabled
    installation.full_clean()
    installation.save()
    if before != (tenant_id, enabled):
        audit_record(
            organization=organization,
            actor=actor,
            verb="teams.update",
            target=installation,
            target_label="Microsoft Teams",
            changes={"tenant_id": [before[0], tenant_id], "enabled": [before[1], enabled]},
        )
    return installation
