"""The accounts app's HTML forms (the roster upload is a plain file input; People filters are query
parameters read by the selectors; the audit log's filters are a GET form, AuditFilterForm)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, tzinfo
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.web.forms import DateInput, LongSelect

from .models import (
    DIRECTORY_COLUMNS,
    MAX_RETENTION_MONTHS,
    Role,
    TokenScope,
    validate_brand_colour,
    validate_video_link_template,
)
from .selectors import SYSTEM_ACTOR, AuditFilters
from .services.tokens import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “HRIS nightly sync”, so you recognize it later."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What the token may do"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ, TokenScope.WRITE],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Read and write open the REST API; SCIM provisioning opens the SCIM 2.0 server for your "
            "identity provider (Microsoft Entra ID, Okta) and nothing else."
        ),
        error_messages={"required": gettext_lazy("Choose at least one thing the token may do.")},
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Expires after"),
        choices=[(days, f"{days} days") for days in EXPIRY_CHOICES_DAYS],
        coerce=int,
        required=False,  # a script posting the form without it gets the default (clean_expires_in_days)
        initial=DEFAULT_EXPIRY_DAYS,
        help_text=gettext_lazy(
            "After that the token is refused; create a new one before then. A SCIM token for an identity "
            "provider: choose 365 days and note when to rotate it."
        ),
    )

    def clean_expires_in_days(self) -> int:
        return self.cleaned_data.get("expires_in_days") or DEFAULT_EXPIRY_DAYS


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.MEMBER)


class DirectoryColumnsForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns members see in the people directory"),
        choices=DIRECTORY_COLUMNS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Members and stakeholders always see each person's name, and never job levels or hiring and "
            "leaving dates. Admins always see every column."
        ),
    )


# Dates outside these years are refused: a day near year 1 or 9999 cannot be turned into an instant in
# every time zone (datetime overflows), and no audit event is that old or that far ahead.
AUDIT_FIRST_DAY = date(1900, 1, 1)
AUDIT_LAST_DAY = date(2999, 12, 31)
_DAY_ATTRS = {"min": AUDIT_FIRST_DAY.isoformat(), "max": AUDIT_LAST_DAY.isoformat()}
_DAY_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2024-06-01."}


def target_type_label(label: str) -> str:
    """`accounts.membership` as people say it ("Membership"); a model that no longer exists as written."""
    try:
        return str(capfirst(apps.get_model(label)._meta.verbose_name))
    except (LookupError, ValueError):
        return label


class AuditFilterForm(forms.Form):
    """The audit log's filters (page and CSV export): every field optional, an empty one means "any"."""

    actor = forms.CharField(
        label=gettext_lazy("Who"),
        required=False,
        max_length=254,
        # A free text box with suggestions: the list holds the actors so far, typing works for anyone.
        widget=forms.TextInput(
            attrs={"list": "filter-actor-options", "inputmode": "email", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=gettext_lazy("An email address, or “system”."),
    )
    verb = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose an action from the list.")},
    )
    target_type = forms.ChoiceField(
        label=gettext_lazy("Target type"),
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose a target type from the list.")},
    )
    target = forms.CharField(
        label=gettext_lazy("Target"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Its id, or part of its name."),
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=DateInput(_DAY_ATTRS), error_messages=_DAY_ERRORS
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=DateInput(_DAY_ATTRS), error_messages=_DAY_ERRORS
    )

    def __init__(
        self, data: Mapping[str, Any] | None, *, verbs: Mapping[str, str], target_types: Iterable[str], zone: tzinfo
    ) -> None:
        """`verbs` maps each verb offered to its label; `zone` is the viewer's, in which the dates are days."""
        super().__init__(data if data is not None else {}, auto_id="filter-%s")
        self.zone = zone
        by_label = sorted(verbs.items(), key=lambda item: item[1].casefold())
        self._choices("verb", [("", "All actions"), *by_label])
        types = sorted(((label, target_type_label(label)) for label in target_types), key=lambda item: item[1])
        self._choices("target_type", [("", "All types"), *types])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField), name  # declared as one above
        field.choices = choices

    def clean_actor(self) -> str:
        actor = self.cleaned_data["actor"]
        if actor.casefold() == SYSTEM_ACTOR:
            return SYSTEM_ACTOR
        if actor:
            try:
                validate_email(actor)
            except ValidationError:
                raise ValidationError(
                    _(
                        "Enter a whole email address (choose one from the list), or “system” for changes MentorHub "
                        "made by itself."
                    ),
                    code="invalid",
                ) from None
        return actor

    def _day(self, name: str) -> date | None:
        day: date | None = self.cleaned_data[name]
        if day is not None and not AUDIT_FIRST_DAY <= day <= AUDIT_LAST_DAY:
            raise ValidationError(_("Enter a date between the years 1900 and 2999."), code="out_of_range")
        return day

    def clean_since(self) -> date | None:
        return self._day("since")

    def clean_until(self) -> date | None:
        return self._day("until")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error(
                "since",
                _(
                    "“From” (%(since)s) is after “To” (%(until)s): choose a From date on or before the To "
                    "date (both days are included)."
                )
                % {"since": since.isoformat(), "until": until.isoformat()},
            )
        return data

    def filters(self) -> AuditFilters:
        """The selector's filters; call after is_valid()."""
        data = self.cleaned_data
        return AuditFilters(
            actor=data["actor"],
            verb=data["verb"],
            target_type=data["target_type"],
            target=data["target"],
            since=data["since"],
            until=data["until"],
            zone=self.zone,
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), for links that keep them; call after
        is_valid()."""
        data = self.cleaned_data
        values = {name: data[name].isoformat() if isinstance(data[name], date) else data[name] for name in self.fields}
        return {name: value for name, value in values.items() if value}


class ErasureConfirmForm(forms.Form):
    """Erasing a person cannot be undone: the admin types the person's email address to say they mean this one."""

    email = forms.CharField(label=gettext_lazy("Type their email address to confirm"), max_length=254, strip=True)

    def __init__(self, *args: Any, expected_email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_email = expected_email

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.casefold() != self.expected_email.casefold():
            raise ValidationError(
                _("That is not their address. Type %(expected_email)s to confirm.")
                % {"expected_email": self.expected_email}
            )
        return email


def _retention_help() -> str:
    return _("From 1 to %(count)s months; 0 turns the automatic erasure off.") % {"count": MAX_RETENTION_MONTHS}


class RetentionForm(forms.Form):
    retention_months = forms.IntegerField(
        label=gettext_lazy("Erase a leaver's personal data this many months after they left"),
        min_value=0,
        max_value=MAX_RETENTION_MONTHS,
        help_text=lazy(_retention_help, str)(),
        error_messages={
            "required": gettext_lazy("Enter a number of months (0 turns the automatic erasure off)."),
            "min_value": gettext_lazy("Enter 0 or more months (0 turns the automatic erasure off)."),
            "max_value": gettext_lazy("Enter at most %(limit_value)s months (ten years)."),
            "invalid": gettext_lazy("Enter a whole number of months."),
        },
    )


class VideoLinkForm(forms.Form):
    video_link_template = forms.CharField(
        label=gettext_lazy("Video link for sessions scheduled without one"),
        required=False,
        max_length=500,
        validators=[validate_video_link_template],
        help_text=gettext_lazy(
            "An https address: a fixed Teams or Zoom link, or a room pattern such as "
            "https://meet.jit.si/mentorhub-{org}-{match}-{session} ({match}, {session} and {org} are filled in). "
            "Leave empty for none."
        ),
    )


class LanguageForm(forms.Form):
    """The signed-in person's language. Blank: the browser's, else the organization's default."""

    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Automatic: my browser's language")), *settings.LANGUAGES],
        help_text=gettext_lazy("Pages, emails and chat messages are written in it."),
    )


class OrganizationLanguageForm(forms.Form):
    default_language = forms.ChoiceField(
        label=gettext_lazy("Default language of the organization"),
        choices=settings.LANGUAGES,
        help_text=gettext_lazy(
            "For people who chose no language, when their browser asks for none we have, and for emails to "
            "people who never signed in. Enrollment questions stay in the words you wrote them in."
        ),
    )


class BrandingForm(forms.Form):
    """Settings -> Branding: what the organization's emails show (services/branding.py checks the logo)."""

    brand_name = forms.CharField(
        label=gettext_lazy("Name in emails"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Leave empty to use the organization's name."),
    )
    brand_colour = forms.CharField(
        label=gettext_lazy("Colour"),
        required=False,
        max_length=7,
        validators=[validate_brand_colour],
        widget=forms.TextInput(attrs={"placeholder": "#1f5fbf", "pattern": "#[0-9a-fA-F]{6}", "size": 8}),
        help_text=gettext_lazy(
            "The buttons and the band at the top of every email, as # and six hexadecimal digits. Leave empty for "
            "MentorHub's blue. The button text is black or white, whichever reads better on it."
        ),
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=gettext_lazy(
            "A PNG or JPEG file of at most 512 KB, between 16 and 2000 pixels a side; shown 48 pixels high. Emails "
            "that show no images show the name instead."
        ),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
