"""Settings -> Microsoft Teams: the form of the organization's tenant and switch."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class TeamsSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Send notices to Microsoft Teams"), required=False)
    tenant_id = forms.CharField(
        label=gettext_lazy("Microsoft 365 tenant id"),
        required=False,
        max_length=36,
        help_text=gettext_lazy(
            "Your directory's id (a GUID), in the Microsoft Entra admin center under Overview. Only people of "
            "this tenant are linked, by their work email address."
        ),
    )
