"""Links to a participant's mentoring record, for their manager: made only by the participant (nothing is
shared without their action), for 7, 30 or 90 days, revocable, every view audited. The secret is random and
shown once; only its SHA-256 is stored (mentorhub/accounts/secret_tokens.py), so a copy of the database opens
no record."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Membership, Organization, User
from mentorhub.accounts.secret_tokens import hash_token, new_secret
from mentorhub.accounts.services.audit import audit_record
from mentorhub.db.tenant_scope import activate_organization, all_organizations
from mentorhub.tenancy import scoped

from ..models import RecordShare

# How long a link may live, in days (the form offers exactly these).
SHARE_DAYS = (7, 30, 90)
# Open links one person may have at once: enough for a manager and a skip-level, not a mailing list.
MAX_OPEN_SHARES = 5
RECORD_TOKEN_PREFIX = "rec_"  # noqa: S105 - a prefix, not a secret
# The prefix and token_urlsafe(32)'s 43 characters: one path segment of URL-safe characters, which the logs'
# redact_path (mentorhub/ops/logging.py) replaces by its length.
RECORD_TOKEN_LENGTH = len(RECORD_TOKEN_PREFIX) + 43


def _label(employee: Employee) -> str:
    return f"Mentoring record of {employee.name}"


@transaction.atomic
def record_share_create(
    *, organization: Organization, actor: User | None, employee: Employee, days: int
) -> tuple[RecordShare, str]:
    """A new link to `employee`'s record, open for `days` days: the share and its secret (shown once)."""
    if days not in SHARE_DAYS:
        raise ValidationError(_("Choose how long the link works: 7, 30 or 90 days."))
    now = timezone.now()
    # Locks the person's roster row: two clicks at once cannot both pass the limit below.
    scoped(Employee, organization).select_for_update().filter(pk=employee.pk).first()
    open_shares = scoped(RecordShare, organization).filter(employee=employee, revoked_at=None, expires_at__gt=now)
    if open_shares.count() >= MAX_OPEN_SHARES:
        raise ValidationError(
            _("You have %(count)s links open already: revoke one you no longer need first.")
            % {"count": MAX_OPEN_SHARES}
        )
    raw = new_secret(RECORD_TOKEN_PREFIX)
    share = RecordShare(
        organization=organization, employee=employee, token_hash=hash_token(raw), expires_at=now + timedelta(days=days)
    )
    share.full_clean()
    share.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="record_share.create",
        target=share,
        target_label=_label(employee),
        changes={"expires_at": [None, share.expires_at.isoformat()]},
    )
    return share, raw


@transaction.atomic
def record_share_revoke(
    *, organization: Organization, actor: User | None, employee: Employee, share_id: int
) -> RecordShare:
    """Close one of the person's own links at once (someone else's: 404, as if it did not exist)."""
    share = scoped(RecordShare, organization).select_for_update().filter(employee=employee, pk=share_id).first()
    if share is None:
        raise Http404("No such link.")
    if share.revoked_at is not None:
        return share  # a second click changes nothing
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    audit_record(
        organization=organization, actor=actor, verb="record_share.revoke", target=share, target_label=_label(employee)
    )
    return share


def record_share_by_token(token: str) -> RecordShare | None:
    """The link a secret names, open or not, or None for a secret that never was one. From here on the request
    works inside the link's organization (row-level security)."""
    if not token.startswith(RECORD_TOKEN_PREFIX) or len(token) != RECORD_TOKEN_LENGTH:
        return None
    with all_organizations():  # the secret says which organization: found by its hash among all of them
        share = (
            RecordShare.objects.select_related("organization", "employee").filter(token_hash=hash_token(token)).first()
        )
    if share is None:
        return None
    activate_organization(share.organization_id)
    return share


def record_share_is_open(share: RecordShare) -> bool:
    """Open: not revoked, not expired, and the person may still sign in to the organization (a leaver's or a
    removed member's record stops with their access, as their calendar feed does)."""
    if not share.is_open(timezone.now()):
        return False
    return Membership.objects.filter(
        organization_id=share.organization_id,
        employee_id=share.employee_id,
        deactivated_at=None,
        user__is_active=True,
    ).exists()


@transaction.atomic
def record_share_view(*, share: RecordShare, file_format: str) -> None:
    """Count and audit one opening of an open link (by whoever holds it: no sign-in, so no actor)."""
    RecordShare.objects.filter(organization_id=share.organization_id, pk=share.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
    audit_record(
        organization=share.organization,
        actor=None,
        verb="record_share.view",
        target=share,
        target_label=_label(share.employee),
        changes={"format": [None, file_format]},
    )
