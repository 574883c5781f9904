"""The sign-in page's forms: the email-first step (home-realm discovery, identity/views/sso_signin.py) and
allauth's password form with the "members must use SSO" policy (settings ACCOUNT_FORMS["login"]).

Policy: an address in a domain claimed by an organization whose SSO is on and required cannot sign in with a
password, except an admin of that organization with two-factor authentication (TOTP) set up: the break-glass
way in when the identity provider is down. allauth then asks for the TOTP code as usual.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from allauth.mfa.models import Authenticator
from django import forms
from django.core.exceptions import ValidationError

from identity.models import SsoConnection
from identity.sso.providers import connection_for_email
from mentorhub.accounts.models import Membership, Role, User
from mentorhub.tenancy import scoped


class EmailFirstForm(forms.Form):
    """The first step; its field is named like allauth's sign-in field ("login")."""

    login = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def sso_required_connection(email: str) -> SsoConnection | None:
    """The connection whose organization requires SSO for this address, or None."""
    connection = connection_for_email(email)
    return connection if connection is not None and connection.require_sso else None


def break_glass_allowed(user: User | None, connection: SsoConnection) -> bool:
    """An admin of the organization with TOTP set up may still sign in with a password."""
    if user is None or not user.is_active:
        return False
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
        connection = sso_required_connection(email)
        if connection is not None and not break_glass_allowed(self.user, connection):
            self.user = None
            raise ValidationError(
                f"{connection.organization.name} requires single sign-on: continue with your email address "
                "only, and you will be sent to your organization's sign-in page."
            )
        return cleaned
