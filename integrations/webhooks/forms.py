"""The form of Settings -> Webhooks: an endpoint's address, description and events."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentorhub.accounts.outbox import EVENT_TYPES

from .models import WebhookEndpoint


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=500,
        help_text=_("An https:// address of your own system that accepts POST requests."),
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/mentorhub", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events to send"),
        # Lazy, so that each description is read in the language of the page (an f-string would fix it at import).
        choices=[(name, format_lazy("{}: {}", name, text)) for name, text in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send.")},
    )

    def __init__(self, *args: Any, endpoint: WebhookEndpoint | None = None, **kwargs: Any) -> None:
        if endpoint is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
            }
        super().__init__(*args, **kwargs)
