"""Invitations: an admin invites an email address with a role; the link works once, for that organization
only, until it expires. Only the SHA-256 of the link's secret is stored.

The email goes out from a Celery task after commit (`accounts.send_invitation_email`), which gets ids
only. The link's secret is therefore derived, not random: an HMAC (keyed with SECRET_KEY, like Django's
password-reset links) of the invitation's organization, address, role and expiry, so the worker can rebuild
it from the row and the secret never travels through the broker or its logs. Sending again (`Resend`)
moves the expiry, which gives a new link and retires the old one.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.db.tenant_scope import activate_organization, all_organizations
from mentorhub.mail_once import send_once
from mentorhub.tenancy import get_scoped_or_404
from mentorhub.web.email import email_message, render_email

from ..branding import branding_of
from ..languages import language_of_user
from ..models import Employee, Invitation, Membership, Organization, Role, User
from ..secret_tokens import hash_token
from .audit import audit_record

logger = logging.getLogger(__name__)

# Used only when the caller has no request to build the link from (a shell, a task).
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class InvitationUnusable(Exception):
    """The invitation exists but cannot be accepted now; `reason` says why (shown to the person)."""

    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WRONG_EMAIL = "wrong_email"
    UNVERIFIED_EMAIL = "unverified_email"

    def __init__(self, reason: str, invitation: Invitation):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def pending_invitations(organization: Organization, email: str):
    return Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def _accept_url(raw_token: str, base_url: str | None) -> str:
    base = (base_url or getattr(settings, "SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    return base + reverse("invitation-accept", kwargs={"token": raw_token})


def _link_secret(invitation: Invitation) -> str:
    """The secret of the invitation's link, rebuilt from the row (see the module docstring)."""
    expiry = invitation.expires_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
    value = f"{invitation.organization_id}:{invitation.email.lower()}:{invitation.role}:{expiry}"
    return salted_hmac("mentorhub.accounts.invitation", value, algorithm="sha256").hexdigest()


def _queue_email(invitation: Invitation, base_url: str | None) -> None:
    from ..tasks import send_invitation_email  # the task module imports this one

    organization_id, invitation_id, base = invitation.organization_id, invitation.pk, base_url or ""
    # After commit: no email for an invitation that was rolled back. robust: a broker outage must not turn a
    # saved invitation into an error page; it is logged, and the admin can use Resend.
    transaction.on_commit(
        lambda: send_invitation_email.delay(
            organization_id=organization_id, invitation_id=invitation_id, base_url=base
        ),
        robust=True,
    )


def invitation_email_send(*, organization_id: int, invitation_id: int, base_url: str = "") -> bool:
    """Email the invitation's link (the body of the Celery task). Returns False, sending nothing, when the
    invitation is no longer pending (revoked, accepted or expired meanwhile), its link was replaced, or this
    link was already emailed (a redelivered task: mentorhub/mail_once.py).

    Mail errors propagate, with the claim given back: the task retries the transient ones."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, organization_id=organization_id)
        .first()
    )
    if invitation is None or invitation.status != "pending":
        logger.info("Invitation %s of organization %s: not pending, no email.", invitation_id, organization_id)
        return False
    raw = _link_secret(invitation)
    if not constant_time_compare(hash_token(raw), invitation.token_hash):
        # SECRET_KEY changed since the link was made, or the row predates derived links: the link in the
        # email would not work. Resend makes a new one.
        logger.warning(
            "Invitation %s of organization %s: link cannot be rebuilt, no email.", invitation_id, organization_id
        )
        return False
    organization = invitation.organization
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    language = language_of_user(invitee, organization)
    inviter = invitation.invited_by
    with translation.override(language):
        role = invitation.get_role_display()
    rendered = render_email(
        "accounts/email/invitation.html",
        {
            "invitation": invitation,
            "inviter_name": inviter.get_full_name() if inviter is not None else "",
            "inviter_email": inviter.email if inviter is not None else "",
            "role": role.lower() if language == "en" else role,
            "button_url": _accept_url(raw, base_url),
            "button_label": gettext_lazy("Accept the invitation"),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
        branding=branding_of(organization),
        language=language,
    )
    # The claim names this link (its expiry) and still-pending: a Resend or revoke meanwhile wins.
    claim = Invitation.objects.filter(
        pk=invitation.pk,
        organization_id=organization_id,
        expires_at=invitation.expires_at,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    sent = send_once(
        claim,
        field="emailed_at",
        send=lambda: email_message(rendered, to=[invitation.email]).send(),
    )
    if not sent:
        logger.info(
            "Invitation %s of organization %s: this link was already emailed (or changed meanwhile), not sent again.",
            invitation_id,
            organization_id,
        )
    return sent


@transaction.atomic
def invitation_create(
    *, organization: Organization, actor: User, email: str, role: str, base_url: str | None = None
) -> tuple[Invitation, str]:
    """Invite `email` with `role`; returns the invitation and the raw link secret (never stored).

    `base_url` (scheme and host, from the request) makes the emailed link absolute."""
    email = (email or "").strip().lower()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose admin, stakeholder or member.")})
    # Serialize invitations per organization so two admins cannot create duplicate pending ones.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organization)s.")
                % {"email": email, "organization": organization.name}
            }
        )
    if pending_invitations(organization, email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s already has a pending invitation. Revoke it first to send a new one.")
                % {"email": email}
            }
        )
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    raw = _link_secret(invitation)
    invitation.token_hash = hash_token(raw)
    invitation.full_clean()
    invitation.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="invitation.create",
        target=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    _queue_email(invitation, base_url)
    return invitation, raw


@transaction.atomic
def invitation_resend(
    *, organization: Organization, actor: User, invitation_id: int, base_url: str | None = None
) -> tuple[Invitation, str]:
    """Email a pending invitation again, with a new link valid for the full time again; the old link stops
    working. Returns the invitation and the new raw secret. Raises ValidationError unless pending."""
    invitation = get_scoped_or_404(Invitation, organization, pk=invitation_id)
    if invitation.status != "pending":
        if invitation.status == "accepted":
            raise ValidationError(_("This invitation is accepted; only a pending invitation can be sent again."))
        if invitation.status == "expired":
            raise ValidationError(
                _(
                    "This invitation is expired; only a pending invitation can be sent again. Invite the address "
                    "anew instead."
                )
            )
        raise ValidationError(
            _(
                "This invitation is revoked; only a pending invitation can be sent again. Invite the address anew "
                "instead."
            )
        )
    old_expiry = invitation.expires_at
    now = timezone.now()
    invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    raw = _link_secret(invitation)
    invitation.token_hash = hash_token(raw)
    # Conditional UPDATE: an accept or revoke that got there first wins, and this changes nothing.
    updated = Invitation.objects.filter(
        pk=invitation.pk,
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(expires_at=invitation.expires_at, token_hash=invitation.token_hash, emailed_at=None)
    if not updated:
        raise ValidationError(_("This invitation was accepted or revoked meanwhile; it was not sent again."))
    audit_record(
        organization=organization,
        actor=actor,
        verb="invitation.resend",
        target=invitation,
        changes={"expires_at": [old_expiry.isoformat(), invitation.expires_at.isoformat()]},
    )
    _queue_email(invitation, base_url)
    return invitation, raw


@transaction.atomic
def invitation_revoke(*, organization: Organization, actor: User, invitation_id: int) -> Invitation:
    invitation = get_scoped_or_404(Invitation, organization, pk=invitation_id)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted; remove the member instead."))
    now = timezone.now()
    # Conditional UPDATE: a revoke racing an accept cannot both win.
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation.refresh_from_db()
    if updated:
        audit_record(
            organization=organization,
            actor=actor,
            verb="invitation.revoke",
            target=invitation,
            changes={"revoked_at": [None, now.isoformat()]},
        )
    elif invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted; remove the member instead."))
    return invitation


def unscoped_invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link names. Unscoped on purpose: the secret itself names the organization."""
    if not token or len(token) > 200:
        return None
    with all_organizations():
        invitation = Invitation.objects.select_related("organization").filter(token_hash=hash_token(token)).first()
    if invitation is not None:
        # From here on this request works inside the invitation's organization (row-level security).
        activate_organization(invitation.organization_id)
    return invitation


def invitation_check(*, invitation: Invitation, user: User | None) -> None:
    """Raise InvitationUnusable when `invitation` cannot be accepted (by `user`, when given)."""
    status = invitation.status
    if status != "pending":
        raise InvitationUnusable(status, invitation)
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise InvitationUnusable(InvitationUnusable.WRONG_EMAIL, invitation)
        if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
            raise InvitationUnusable(InvitationUnusable.UNVERIFIED_EMAIL, invitation)


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Accept the invitation named by `token` as `user`: once, before it expires, with the invited address.

    Raises Invitation.DoesNotExist for an unknown token, InvitationUnusable for one that cannot be used."""
    invitation = unscoped_invitation_by_token(token=token)
    if invitation is None:
        raise Invitation.DoesNotExist("No such invitation.")
    invitation_check(invitation=invitation, user=user)
    organization = invitation.organization
    now = timezone.now()
    # The conditional UPDATE decides who wins: a second use (or a concurrent one) updates 0 rows.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not claimed:
        invitation.refresh_from_db()
        raise InvitationUnusable(invitation.status, invitation)
    invitation.refresh_from_db()

    employee = Employee.objects.filter(organization=organization, email__iexact=user.email).first()
    membership = Membership.objects.filter(organization=organization, user=user).first()
    created = membership is None
    if membership is None:
        membership = Membership(organization=organization, user=user, role=invitation.role, employee=employee)
        membership.full_clean()
        membership.save()
    elif membership.employee_id is None and employee is not None:
        # Already a member (e.g. by an earlier invitation): keep the role, only fill in the roster link.
        membership.employee = employee
        membership.save(update_fields=["employee"])
    if employee is not None and user.time_zone == "UTC" and employee.time_zone != "UTC":
        user.time_zone = employee.time_zone
        user.save(update_fields=["time_zone"])

    audit_record(
        organization=organization,
        actor=user,
        verb="invitation.accept",
        target=invitation,
        changes={"accepted_at": [None, now.isoformat()]},
    )
    if created:
        audit_record(
            organization=organization,
            actor=user,
            verb="membership.create",
            target=membership,
            changes={"role": [None, membership.role], "employee": [None, str(employee) if employee else None]},
        )
    return membership
