"""An organization's branding as its emails show it (mentorhub/web/email.py): the name, the logo's absolute
address and the colour, from the fields its admin sets on Settings -> Branding (services/branding.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mentorhub.web.email import DEFAULT_COLOUR, Branding

from .models import Organization

# Used only when SITE_URL is empty (a shell): emails need absolute links.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def logo_url(organization: Organization) -> str:
    """The logo's absolute address, or "" without a logo. Named by the SHA-256 of the file: a new logo is a new
    address, so mail clients and caches never show an old one."""
    if not organization.brand_logo:
        return ""
    return site_url() + reverse("brand-logo", kwargs={"token": organization.brand_logo})


def branding_of(organization: Organization) -> Branding:
    return Branding(
        name=organization.brand_name or organization.name,
        logo_url=logo_url(organization),
        colour=organization.brand_colour or DEFAULT_COLOUR,
    )
