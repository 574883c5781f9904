"""The organization's branding (Settings -> Branding): the name, colour and logo its emails show.

The logo is checked before it is kept: PNG or JPEG only, read by Pillow (not by its name or the browser's word),
at most LOGO_MAX_BYTES and LOGO_MAX_PIXELS a side, at least LOGO_MIN_PIXELS. It is stored under MEDIA_ROOT
in `branding/`, named by the SHA-256 of its bytes, and served to anyone at /brand/<name> (emails are read
without signing in; a logo is no secret). A logo no organization uses any more is deleted."""

from __future__ import annotations

import hashlib
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ..models import Organization, User
from .audit import audit_record

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000
LOGO_MIN_PIXELS = 16
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}
LOGO_DIRECTORY = "branding"


def logo_path(name: str) -> str:
    return f"{LOGO_DIRECTORY}/{name}"


def logo_check(data: bytes) -> str:
    """The file name extension of an acceptable logo (png or jpg); ValidationError with the reason otherwise."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(kb)s KB.") % {"kb": LOGO_MAX_BYTES // 1024}, code="logo_size"
        )
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()  # the whole file is read: a truncated or corrupt one is refused here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_format") from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_format")
    if max(width, height) > LOGO_MAX_PIXELS or min(width, height) < LOGO_MIN_PIXELS:
        raise ValidationError(
            _("The logo must be between %(min)s and %(max)s pixels wide and high (this one is %(w)s by %(h)s).")
            % {"min": LOGO_MIN_PIXELS, "max": LOGO_MAX_PIXELS, "w": width, "h": height},
            code="logo_dimensions",
        )
    return LOGO_FORMATS[kind]


@transaction.atomic
def organization_branding_update(
    *,
    organization: Organization,
    actor: User | None,
    name: str,
    colour: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Organization:
    """Set the name and colour the organization's emails show; a new logo (its bytes) replaces the old one,
    `remove_logo` goes back to the name alone."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old = {field: getattr(organization, field) for field in ("brand_name", "brand_colour", "brand_logo")}
    organization.brand_name = (name or "").strip()
    organization.brand_colour = (colour or "").strip().lower()
    if logo is not None:
        extension = logo_check(logo)
        stored = f"{hashlib.sha256(logo).hexdigest()}.{extension}"
        if not default_storage.exists(logo_path(stored)):
            default_storage.save(logo_path(stored), ContentFile(logo))
        organization.brand_logo = stored
    elif remove_logo:
        organization.brand_logo = ""
    organization.full_clean()
    new = {field: getattr(organization, field) for field in old}
    if new == old:
        return organization
    organization.save(update_fields=list(old))
    audit_record(
        organization=organization,
        actor=actor,
        verb="organization.branding_update",
        target=organization,
        changes={field: [old[field], new[field]] for field in old if old[field] != new[field]},
    )
    if old["brand_logo"] and old["brand_logo"] != new["brand_logo"]:
        unused = old["brand_logo"]
        transaction.on_commit(lambda: _delete_if_unused(unused))
    return organization


def _delete_if_unused(name: str) -> None:
    # Two organizations may use the same file (the same bytes): it goes when none does.
    if not Organization.objects.filter(brand_logo=name).exists():
        default_storage.delete(logo_path(name))
