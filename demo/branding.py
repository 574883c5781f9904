"""Demo branding for `manage.py seed_demo`: acme's emails show its logo (demo/acme-logo.png, committed) and its
green, set through the same service as Settings -> Branding. Idempotent: the same bytes are the same stored file,
and a second run changes nothing (the service records no change)."""

from __future__ import annotations

from pathlib import Path

from demo.programs import admin_of
from mentorhub.accounts.models import Organization
from mentorhub.accounts.services.branding import organization_branding_update

LOGO = Path(__file__).resolve().parent / "acme-logo.png"
ACME_GREEN = "#0b6e4f"


def seed_branding_demo() -> None:
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None:
        return
    admin = admin_of(organization)
    organization_branding_update(
        organization=organization,
        actor=admin.user if admin is not None else None,
        name=organization.brand_name,  # whatever the demo admin chose since stays
        colour=organization.brand_colour or ACME_GREEN,
        logo=LOGO.read_bytes() if not organization.brand_logo else None,
    )
