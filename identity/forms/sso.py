"""Forms of the SSO settings page: the connection's settings and a domain to claim. They parse input; the rules
(what SSO needs to be turned on, which domains may be claimed) live in identity/services/sso.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import SsoConnection
from ..sso.metadata import METADATA_MAX_BYTES

# A service error's key -> the form field it belongs next to.
SERVICE_FIELD_NAMES = {"saml_metadata_xml": "saml_metadata_file"}


def _url_input() -> forms.TextInput:
    """A text box for a URL (styled like every text box; phones still offer their URL keyboard)."""
    return forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url", "spellcheck": "false", "size": 60})


def form_field_for(key: str) -> str:
    return SERVICE_FIELD_NAMES.get(key, key)


class SsoSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Turn on single sign-on"),
        required=False,
        help_text=gettext_lazy("Off: nobody is sent to your identity provider, and everyone signs in with a password."),
    )
    protocol = forms.ChoiceField(
        label=gettext_lazy("Protocol"),
        choices=SsoConnection.Protocol.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose OpenID Connect or SAML 2.0.")},
    )
    # OpenID Connect
    oidc_issuer = forms.URLField(
        label=gettext_lazy("Issuer URL"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=_url_input(),
        help_text=gettext_lazy(
            "For example https://login.example.com/tenant/v2.0. MentorHub reads its discovery document "
            "(/.well-known/openid-configuration)."
        ),
    )
    oidc_client_id = forms.CharField(
        label=gettext_lazy("Client ID"), required=False, max_length=255, widget=forms.TextInput(attrs={"size": 40})
    )
    client_secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}),
        help_text=gettext_lazy("No secret is stored yet."),
    )
    oidc_scopes = forms.CharField(
        label=gettext_lazy("Scopes"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Separated by spaces; openid is required. Blank: “openid email profile”."),
    )
    # SAML 2.0
    saml_metadata_url = forms.URLField(
        label=gettext_lazy("IdP metadata URL"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=_url_input(),
        help_text=gettext_lazy("MentorHub fetches your identity provider's metadata from here when you save."),
    )
    saml_metadata_file = forms.FileField(
        label=gettext_lazy("…or upload the IdP metadata XML"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".xml,application/xml,text/xml,application/samlmetadata+xml"}),
        help_text=gettext_lazy("An uploaded file replaces the metadata URL."),
    )
    saml_metadata_refresh = forms.BooleanField(
        label=gettext_lazy("Fetch the metadata from the URL again when saving"),
        required=False,
        help_text=gettext_lazy("After your identity provider rotated its signing certificate."),
    )
    # Attribute mapping
    attribute_email = forms.CharField(
        label=gettext_lazy("Email claim or attribute"),
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "OpenID Connect: usually “email”. SAML: the attribute name, e.g. "
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress."
        ),
    )
    attribute_name = forms.CharField(label=gettext_lazy("Name claim or attribute"), required=False, max_length=255)
    attribute_employee_id = forms.CharField(
        label=gettext_lazy("Employee ID claim or attribute"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Optional: matches people to the roster by employee ID before email."),
    )
    # Policy
    require_sso = forms.BooleanField(
        label=gettext_lazy("Members must use SSO"),
        required=False,
        help_text=gettext_lazy(
            "Members whose email is in one of the domains below sign in only through your identity "
            "provider. Admins keep their password and two-factor sign-in, so they can fix a broken connection."
        ),
    )
    create_on_first_sign_in = forms.BooleanField(
        label=gettext_lazy("Create accounts on first SSO sign-in"),
        required=False,
        help_text=gettext_lazy(
            "Only for people on your roster: anyone else is refused. Off: people need an invitation first."
        ),
    )

    def __init__(self, *args: Any, connection: SsoConnection | None = None, **kwargs: Any) -> None:
        stored = connection if connection is not None else SsoConnection()
        kwargs.setdefault(
            "initial",
            {name: getattr(stored, name) for name in self.declared_fields if hasattr(SsoConnection, name)},
        )
        super().__init__(*args, **kwargs)
        self.secret_stored = bool(stored.oidc_client_secret_encrypted)
        if self.secret_stored:
            self.fields["client_secret"].help_text = (
                "A secret is stored (it is never shown again). Leave this blank to keep it; "
                "type a new one to replace it."
            )
        if not stored.saml_metadata_url:
            del self.fields["saml_metadata_refresh"]

    def clean_saml_metadata_file(self) -> str:
        upload = self.cleaned_data.get("saml_metadata_file")
        if not upload:
            return ""
        if upload.size > METADATA_MAX_BYTES:
            raise forms.ValidationError(_("The metadata file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The metadata file is not UTF-8 text: upload the XML file itself.")) from None

    def service_fields(self) -> dict[str, Any]:
        """The cleaned input as `sso_connection_update` takes it."""
        data = dict(self.cleaned_data)
        data["saml_metadata_xml"] = data.pop("saml_metadata_file", "")
        return data


class DomainClaimForm(forms.Form):
    domain = forms.CharField(
        label=gettext_lazy("Email domain"),
        max_length=300,
        error_messages={"required": gettext_lazy("Enter an email domain, such as example.com.")},
        help_text=gettext_lazy(
            "The part after the @ of your people's email addresses, e.g. example.com. Add each domain "
            "(and subdomain) they use."
        ),
    )
