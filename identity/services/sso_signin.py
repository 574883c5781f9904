"""Who an SSO sign-in signs in, or why it is refused; every outcome recorded (SsoSignInAttempt + audit log).

The rules (docs/sso.md, "How sign-in works"):
- the organization is the connection's, never guessed from the email; the asserted address must be in a
  domain THAT organization claimed AND verified in DNS (a pending claim proves nothing);
- the IdP never signs in an account that is also an active member of another organization, nor an operator
  (staff) account: see `_refusal_for_account`;
- the person is looked up on that organization's roster only: by email (case-insensitive), else by the
  employee id the IdP sends (`attribute_employee_id`); a leaver (left_on today or earlier) is refused;
- an existing sign-in is used only if it is (or becomes) a member of that organization; a new one is created
  (role member, linked to the roster entry) only with `create_on_first_sign_in`, else "ask for an invitation".
Nothing is written for a refusal but the attempt and its audit entry.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from mentorhub.accounts.models import Employee, Membership, Organization, Role, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import scoped

from ..domains import domain_of_email
from ..models import SsoConnection, SsoSignInAttempt
from ..selectors import domain_verified_by


class SsoRefused(Exception):
    """A sign-in the rules refuse; `reason` is written for the person (and the admin's attempt list)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SsoIdentity:
    """What the identity provider asserted, mapped with the connection's claim / attribute names."""

    email: str
    name: str = ""
    employee_id: str = ""
    email_verified: bool | None = None
    claims: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, str]:
        """The mapped values kept with a sign-in attempt (the full claims are kept for connection tests only)."""
        return {"email": self.email, "name": self.name, "employee_id": self.employee_id}


@dataclass(frozen=True)
class SsoVerdict:
    employee: Employee | None = None
    user: User | None = None
    refusal: str = ""


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def _verified(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return _text(value).lower() in {"true", "1", "t", "y", "yes"}


def sso_identity_from_claims(connection: SsoConnection, claims: dict[str, Any]) -> SsoIdentity:
    """Map the received claims (OIDC) or attributes (SAML, lists of values) with the connection's names."""
    employee_attr = connection.attribute_employee_id
    return SsoIdentity(
        email=_canonical_email(_text(claims.get(connection.attribute_email))),
        name=_text(claims.get(connection.attribute_name)),
        employee_id=_text(claims.get(employee_attr)) if employee_attr else "",
        email_verified=_verified(claims.get("email_verified")),
        claims=claims,
    )


def _canonical_email(email: str) -> str:
    """The address in compatibility-normalized form (NFKC), lower case: what is checked against the claimed
    domains is then what is looked up on the roster and stored (a fullwidth "acme.com" is acme.com, as the domain
    rules already read it)."""
    return unicodedata.normalize("NFKC", email.strip()).lower()


def _roster_entry(organization: Organization, identity: SsoIdentity) -> Employee | None:
    employees = scoped(Employee, organization)
    employee = employees.filter(email__iexact=identity.email).first()
    if employee is None and identity.employee_id:
        employee = employees.filter(employee_id=identity.employee_id).first()
    return employee


def _user_for(organization: Organization, employee: Employee, identity: SsoIdentity) -> User | None:
    linked = scoped(Membership, organization).filter(employee=employee).select_related("user").order_by("pk").first()
    if linked is not None:
        return linked.user
    return User.objects.filter(email__iexact=identity.email).first()


def _refusal_for_account(organization: Organization, user: User) -> str:
    """Why this organization's IdP may not sign in this existing account, or "".

    An SSO session is the whole account, across all its organizations, not a session "in" this organization:
    once signed in, the person is every organization's member that the account is. The organization's admin
    controls what its IdP asserts (any email, any employee id), so if its IdP could sign in an account that
    is also an active member of another organization X, that admin could become X's member, whatever X
    decided (and the same for an operator's staff account and the admin site). So the IdP signs in only
    accounts whose active memberships are all in this organization (or that have none yet); the others sign
    in with their password (and TOTP), which only the account's owner has."""
    if user.is_staff or user.is_superuser:
        return (
            "This is a MentorHub operator account: single sign-on never signs it in. Sign in with your "
            "password instead."
        )
    with all_organizations():  # the account's memberships in every organization
        elsewhere = (
            Membership.objects.filter(user=user, deactivated_at__isnull=True)
            .exclude(organization=organization)
            .exists()
        )
    if elsewhere:
        return (
            "This MentorHub account belongs to another organization too, so "
            f"{organization.name}'s single sign-on cannot sign it in: sign in with your password instead."
        )
    return ""


def sso_sign_in_check(
    *, connection: SsoConnection, identity: SsoIdentity, linked_user: User | None = None
) -> SsoVerdict:
    """Decide without writing anything: the roster entry and existing sign-in (if any), or the refusal.
    `linked_user` is the sign-in this IdP account signed in before (allauth's social account), if any."""
    organization = connection.organization
    org_name = organization.name
    if not connection.enabled:
        return SsoVerdict(refusal=f"Single sign-on is turned off for {org_name}.")
    if not identity.email or "@" not in identity.email:
        return SsoVerdict(
            refusal=f"{org_name}'s identity provider sent no email address "
            f"(expected in “{connection.attribute_email}”)."
        )
    if identity.email_verified is False:
        return SsoVerdict(refusal=f"{org_name}'s identity provider says {identity.email} is not verified.")
    domain = domain_of_email(identity.email)
    if not domain or not domain_verified_by(organization=organization, domain=domain):
        return SsoVerdict(
            refusal=f"{domain or identity.email} is not a verified domain of {org_name}, so {org_name}'s "
            f"sign-in cannot sign in {identity.email}."
        )
    employee = _roster_entry(organization, identity)
    if employee is None:
        return SsoVerdict(
            refusal=f"{identity.email} is not on {org_name}'s roster, so there is nobody to sign in. "
            "Ask your HR team to add you to the roster."
        )
    if employee.left_on is not None and employee.left_on <= timezone.localdate():
        return SsoVerdict(
            employee=employee,
            refusal=f"{org_name}'s roster says {employee.name} left on {employee.left_on:%d %B %Y}.",
        )
    user = _user_for(organization, employee, identity)
    if linked_user is not None:
        if user is not None and user.pk != linked_user.pk:
            return SsoVerdict(
                employee=employee,
                refusal="This identity-provider account is linked to another MentorHub sign-in. "
                f"Ask an admin of {org_name} to check your roster entry.",
            )
        user = linked_user
    if user is None:
        if not connection.create_on_first_sign_in:
            return SsoVerdict(
                employee=employee,
                refusal=f"You have no MentorHub sign-in for {org_name} yet: ask your admin for an invitation.",
            )
        return SsoVerdict(employee=employee)
    if not user.is_active:
        return SsoVerdict(employee=employee, user=user, refusal="This MentorHub sign-in is disabled.")
    account_refusal = _refusal_for_account(organization, user)
    if account_refusal:
        return SsoVerdict(employee=employee, user=user, refusal=account_refusal)
    membership = scoped(Membership, organization).filter(user=user).first()
    if membership is None and not connection.create_on_first_sign_in:
        return SsoVerdict(
            employee=employee,
            user=user,
            refusal=f"You are not a member of {org_name} on MentorHub yet: ask your admin for an invitation.",
        )
    if membership is not None:
        if membership.deactivated_at is not None:
            return SsoVerdict(employee=employee, user=user, refusal=f"Your access to {org_name} was closed.")
        if membership.employee_id is not None and membership.employee_id != employee.pk:
            return SsoVerdict(
                employee=employee,
                user=user,
                refusal=f"Your MentorHub sign-in is linked to another entry of {org_name}'s roster. "
                f"Ask an admin of {org_name} to check it.",
            )
    return SsoVerdict(employee=employee, user=user)


def _attempt(
    connection: SsoConnection,
    outcome: str,
    *,
    email: str = "",
    reason: str = "",
    user: User | None = None,
    claims: dict[str, Any] | None = None,
) -> SsoSignInAttempt:
    attempt = SsoSignInAttempt(
        organization=connection.organization,
        protocol=connection.protocol,
        outcome=outcome,
        reason=reason[:500],
        email=email[:254],
        user=user,
        claims=claims or {},
    )
    attempt.full_clean()
    attempt.save()
    return attempt


@transaction.atomic
def sso_sign_in_refuse(
    *, connection: SsoConnection, reason: str, identity: SsoIdentity | None = None
) -> SsoSignInAttempt:
    """Record a refused sign-in (the rules' refusal, or the IdP's answer found invalid) and audit it."""
    email = identity.email if identity is not None else ""
    attempt = _attempt(
        connection,
        SsoSignInAttempt.Outcome.REFUSED,
        email=email,
        reason=reason,
        claims=identity.summary() if identity is not None else {},
    )
    audit_record(
        organization=connection.organization,
        actor=None,
        verb="sso.sign_in_refused",
        target=attempt,
        changes={"email": [None, email], "reason": [None, reason], "protocol": [None, connection.protocol]},
    )
    return attempt


def _ensure_verified_email(user: User, email: str) -> None:
    """The IdP of the organization that claimed the domain vouches for the address: mark it verified, so
    allauth's mandatory email verification does not stop the sign-in."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not EmailAddress.objects.filter(user=user).exists()
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def _create_user(employee: Employee, identity: SsoIdentity) -> User:
    user = User(email=identity.email, name=(identity.name or employee.name)[:200], time_zone=employee.time_zone)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def sso_sign_in_complete(*, connection: SsoConnection, identity: SsoIdentity, linked_user: User | None) -> User:
    """The sign-in the IdP's answer signs in, created and made a member when the rules allow; SsoRefused
    (after recording the refusal) when they do not."""
    verdict = sso_sign_in_check(connection=connection, identity=identity, linked_user=linked_user)
    if verdict.refusal:
        sso_sign_in_refuse(connection=connection, reason=verdict.refusal, identity=identity)
        raise SsoRefused(verdict.refusal)
    assert verdict.employee is not None
    return _sign_in(connection, identity, verdict.employee, verdict.user)


@transaction.atomic
def _sign_in(connection: SsoConnection, identity: SsoIdentity, employee: Employee, user: User | None) -> User:
    organization = connection.organization
    created_user = user is None
    if user is None:
        user = _create_user(employee, identity)
    if user.email.lower() == identity.email:
        _ensure_verified_email(user, identity.email)
    membership = scoped(Membership, organization).select_for_update().filter(user=user).first()
    if membership is None:
        membership = Membership(organization=organization, user=user, role=Role.MEMBER, employee=employee)
        membership.full_clean()
        membership.save()
        audit_record(
            organization=organization,
            actor=user,
            verb="membership.create",
            target=membership,
            changes={"role": [None, membership.role], "employee": [None, str(employee)], "source": [None, "sso"]},
        )
    elif membership.employee_id is None:
        membership.employee = employee
        membership.save(update_fields=["employee"])
    attempt = _attempt(
        connection, SsoSignInAttempt.Outcome.SIGNED_IN, email=identity.email, user=user, claims=identity.summary()
    )
    audit_record(
        organization=organization,
        actor=user,
        verb="sso.sign_in",
        target=attempt,
        changes={
            "email": [None, identity.email],
            "protocol": [None, connection.protocol],
            "account_created": [None, created_user],
        },
    )
    return user


@transaction.atomic
def sso_test_record(
    *,
    connection: SsoConnection,
    actor: User,
    claims: dict[str, Any],
    identity: SsoIdentity | None,
    error: str = "",
) -> SsoSignInAttempt:
    """Record a connection test: passed when the round trip brought claims back (the verdict of the rules on
    that person is shown, not applied), failed with the error otherwise."""
    if error:
        outcome, reason = SsoSignInAttempt.Outcome.TEST_FAILED, error
    else:
        outcome, reason = SsoSignInAttempt.Outcome.TEST_PASSED, ""
        if identity is not None:
            verdict = sso_sign_in_check(connection=connection, identity=identity)
            reason = f"This person would be refused: {verdict.refusal}" if verdict.refusal else ""
    email = identity.email if identity is not None else ""
    attempt = _attempt(connection, outcome, email=email, reason=reason, claims=_jsonable(claims))
    audit_record(
        organization=connection.organization,
        actor=actor,
        verb="sso.test",
        target=attempt,
        changes={"outcome": [None, outcome], "reason": [None, reason]},
    )
    return attempt


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
