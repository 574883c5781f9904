"""The sign-in page's forms: the email-first step (home-realm discovery, identity/views/sso_signin.py) and
allauth's password form with the "members must use SSO" policy (settings ACCOUNT_FORMS["login"]).

Only domains an organization VERIFIED in DNS count (identity/domains.py): a pending claim sends nobody to an
identity provider and refuses nobody's password.

Policy: an account that is an active member of the organization that verified the address's domain and
requires SSO cannot sign in with a password, except an admin of that organization with two-factor
authentication (TOTP) set up: the break-glass way in when the identity provider is down. allauth then asks for
the TOTP code as usual. Anyone else with an address in that domain keeps their password: the policy is the
organization's say over its own members, never over other accounts that merely share the domain. An account
that is also an active member of another organization keeps its password too, because that organization's IdP
never signs such an account in (identity/services/sso_signin.py): refusing both would lock it out.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from allauth.mfa.models import Authenticator
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from identity.models import SsoConnection
from identity.selectors import organization_for_email_domain
from identity.sso.providers import social_app_for
from mentorhub.accounts.models import Membership, Role, User
from mentorhub.db.tenant_scope import all_organizations, organization_scope
from mentorhub.tenancy import scoped


def sso_connection_for_email(email: str) -> SsoConnection | None:
    """Home-realm discovery: the enabled, usable connection of the organization that verified the address's
    domain, or None (an unclaimed or only pending domain, SSO off, or an incomplete connection)."""
    organization = organization_for_email_domain(email) if "@" in (email or "") else None
    if organization is None:
        return None
    with organization_scope(organization.pk):
        connection = (
            scoped(SsoConnection.objects.select_related("organization"), organization).filter(enabled=True).first()
        )
    if connection is None or social_app_for(connection) is None:
        return None
    return connection


class EmailFirstForm(forms.Form):
    """The first step; its field is named like allauth's sign-in field ("login")."""

    login = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def sso_required_connection(email: str, user: User | None) -> SsoConnection | None:
    """The connection whose organization requires SSO of this account, or None: the organization verified the
    domain of the address typed (or of the account's own address), requires SSO, and the account is its active
    member and no other organization's (see the module)."""
    if user is None:
        return None
    for address in dict.fromkeys(value.strip().lower() for value in (email, user.email) if value):
        connection = sso_connection_for_email(address)
        if connection is None or not connection.require_sso:
            continue
        memberships = Membership.objects.filter(user=user, deactivated_at__isnull=True)
        organization = connection.organization
        with all_organizations():  # "its member and no other organization's": a question across organizations
            only_here = (
                memberships.filter(organization=organization).exists()
                and not memberships.exclude(organization=organization).exists()
            )
        if only_here:
            return connection
    return None


def break_glass_allowed(user: User | None, connection: SsoConnection) -> bool:
    """An admin of the organization with TOTP set up may still sign in with a password."""
    if user is None or not user.is_active:
        return False
    with organization_scope(connection.organization_id):
        is_admin = (
            scoped(Membership, connection.organization)
            .filter(user=user, role=Role.ADMIN, deactivated_at__isnull=True)
            .exists()
        )
    return is_admin and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SsoPolicyLoginForm(LoginForm):
    """allauth's sign-in form; refuses a password sign-in where the organization requires SSO."""

    user: User | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.request
        if request is not None and not self.is_bound and request.GET.get("email"):
            self.fields["login"].initial = request.GET["email"][:254]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        email = str(cleaned.get("login") or cleaned.get("email") or "")
        connection = sso_required_connection(email, self.user)
        if connection is not None and not break_glass_allowed(self.user, connection):
            self.user = None
            raise ValidationError(
                _(
                    "%(name)s requires single sign-on: continue with your email address only, and you will be sent "
                    "to your organization's sign-in page."
                )
                % {"name": connection.organization.name}
            )
        return cleaned
