from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Enterprise sign-in and provisioning: SSO per organization (allauth's OpenID Connect and SAML
    providers), the SCIM 2.0 server and employee groups. Writes the roster only through accounts' services."""

    name = "identity"
