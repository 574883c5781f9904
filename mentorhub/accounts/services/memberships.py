"""Changes to who may sign in to an organization and with which role."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentorhub.tenancy import get_scoped_or_404

from ..models import Membership, Organization, Role, User
from .audit import audit_record

LAST_ADMIN_MESSAGE = (
    "{email} is the only admin of {organization}. Make someone else an admin first, "
    "so the organization is never left without one."
)


def _lock_admins(organization: Organization) -> int:
    """Lock the organization's admin memberships and count them: two admins demoting each other at the same
    moment must not both succeed and leave nobody in charge."""
    return len(
        list(
            Membership.objects.select_for_update()
            .filter(organization=organization, role=Role.ADMIN)
            .values_list("pk", flat=True)
        )
    )


@transaction.atomic
def membership_change_role(*, organization: Organization, actor: User, membership_id: int, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Choose admin, stakeholder or member."))
    admins = _lock_admins(organization)
    membership = get_scoped_or_404(Membership.objects.select_related("user"), organization, pk=membership_id)
    old = membership.role
    if old == role:
        return membership
    if old == Role.ADMIN and admins <= 1:
        raise ValidationError(LAST_ADMIN_MESSAGE.format(email=membership.user.email, organization=organization.name))
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="membership.change_role",
        target=membership,
        changes={"role": [old, role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, organization: Organization, actor: User, membership_id: int) -> None:
    """Remove a member's access. Their API tokens go with the membership (they act as it)."""
    admins = _lock_admins(organization)
    membership = get_scoped_or_404(Membership.objects.select_related("user"), organization, pk=membership_id)
    if membership.role == Role.ADMIN and admins <= 1:
        raise ValidationError(LAST_ADMIN_MESSAGE.format(email=membership.user.email, organization=organization.name))
    audit_record(
        organization=organization,
        actor=actor,
        verb="membership.remove",
        target=membership,
        changes={"user": [membership.user.email, None], "role": [membership.role, None]},
    )
    membership.delete()
