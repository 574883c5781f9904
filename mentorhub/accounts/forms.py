"""The accounts app's HTML forms (the roster upload is a plain file input; People filters are query
parameters read by the selectors)."""

from __future__ import annotations

from django import forms

from .models import DIRECTORY_COLUMNS, Role, TokenScope
from .services.tokens import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. “HRIS nightly sync”, so you recognize it later.",
    )
    scopes = forms.MultipleChoiceField(
        label="What the token may do",
        choices=TokenScope.choices,
        initial=[TokenScope.READ, TokenScope.WRITE],
        widget=forms.CheckboxSelectMultiple,
        help_text="Read and write open the REST API; SCIM provisioning opens the SCIM 2.0 server for your "
        "identity provider (Microsoft Entra ID, Okta) and nothing else.",
        error_messages={"required": "Choose at least one thing the token may do."},
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(days, f"{days} days") for days in EXPIRY_CHOICES_DAYS],
        coerce=int,
        required=False,  # a script posting the form without it gets the default (clean_expires_in_days)
        initial=DEFAULT_EXPIRY_DAYS,
        help_text="After that the token is refused; create a new one before then. A SCIM token for an identity "
        "provider: choose 365 days and note when to rotate it.",
    )

    def clean_expires_in_days(self) -> int:
        return self.cleaned_data.get("expires_in_days") or DEFAULT_EXPIRY_DAYS


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)


class DirectoryColumnsForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label="Columns members see in the people directory",
        choices=DIRECTORY_COLUMNS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members and stakeholders always see each person's name, and never job levels or hiring and "
        "leaving dates. Admins always see every column.",
    )
