"""People who talk to the bot: linked to their roster entry by the email address Teams gives for them (the
conversation member call, no Microsoft Graph permission needed), with the conversation reference the bot
writes to from then on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mentorhub.accounts.models import Employee, Organization
from mentorhub.accounts.services.audit import audit_record

from ..connector import conversation_member
from ..models import TeamsLink


@dataclass(frozen=True)
class ActivityPerson:
    """Who wrote, and where the bot answers them, as the (verified) activity says."""

    teams_user_id: str
    aad_object_id: str
    service_url: str
    conversation_id: str
    tenant_id: str


def activity_tenant(activity: dict[str, Any]) -> str:
    channel_data = activity.get("channelData") or {}
    tenant = (channel_data.get("tenant") or {}).get("id") or (activity.get("conversation") or {}).get("tenantId")
    return str(tenant or "").lower()


def activity_person(activity: dict[str, Any]) -> ActivityPerson | None:
    sender = activity.get("from") or {}
    conversation = activity.get("conversation") or {}
    if not sender.get("id") or not conversation.get("id") or not activity.get("serviceUrl"):
        return None
    return ActivityPerson(
        teams_user_id=str(sender["id"])[:200],
        aad_object_id=str(sender.get("aadObjectId") or "")[:36],
        service_url=str(activity["serviceUrl"])[:300],
        conversation_id=str(conversation["id"])[:300],
        tenant_id=activity_tenant(activity),
    )


def _employee_by_email(organization: Organization, email: str) -> Employee | None:
    today = timezone.localdate()
    return (
        Employee.objects.filter(organization=organization, email__iexact=email.strip(), erased_at__isnull=True)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .first()
    )


def teams_person_link(*, organization: Organization, person: ActivityPerson) -> TeamsLink | None:
    """Link the Teams user to their roster entry (or refresh the conversation reference of a known one).
    None when Teams gives no email, or the email is on nobody's current roster entry. Raises ConnectorError
    when Teams cannot be asked."""
    known = TeamsLink.objects.filter(organization=organization, teams_user_id=person.teams_user_id).first()
    if known is not None:
        if (known.service_url, known.conversation_id) != (person.service_url, person.conversation_id):
            known.service_url, known.conversation_id = person.service_url, person.conversation_id
            known.save(update_fields=["service_url", "conversation_id", "updated_at"])
        return known
    member = conversation_member(person.service_url, person.conversation_id, person.teams_user_id)
    email = str(member.get("email") or member.get("userPrincipalName") or "")
    if str(member.get("tenantId") or person.tenant_id).lower() != person.tenant_id:
        return None  # a guest of another directory: not this organization's roster
    employee = _employee_by_email(organization, email) if email else None
    if employee is None:
        return None
    return _save_link(organization, employee, person, str(member.get("aadObjectId") or person.aad_object_id))


@transaction.atomic
def _save_link(organization: Organization, employee: Employee, person: ActivityPerson, aad: str) -> TeamsLink:
    link = TeamsLink.objects.select_for_update().filter(organization=organization, employee=employee).first()
    if link is None:
        link = TeamsLink(organization=organization, employee=employee)
    link.teams_user_id, link.aad_object_id = person.teams_user_id, aad[:36]
    link.service_url, link.conversation_id = person.service_url, person.conversation_id
    link.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:  # linked by a request a moment ago: theirs stands
        found = TeamsLink.objects.filter(organization=organization, teams_user_id=person.teams_user_id).first()
        if found is None:
            raise
        return found
    audit_record(organization=organization, actor=None, verb="teams.link", target=employee, target_label=employee.name)
    return link
