"""The accounts app's HTML forms (the roster upload is a plain file input; People filters are query
parameters read by the selectors)."""

from __future__ import annotations

from django import forms

from .models import Role, TokenScope


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


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)
