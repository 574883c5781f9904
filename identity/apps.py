from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Enterprise sign-in and provisioning: SSO per organization (allauth's OpenID Connect and SAML
    providers), the SCIM 2.0 server and employee groups. Writes the roster only through accounts' services."""

    name = "identity"

    def ready(self) -> None:
        from . import privacy

        privacy.register()  # its personal data, in accounts' registry (docs/privacy.md)
