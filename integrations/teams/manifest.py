"""The Teams app package an organization's Teams admin uploads (Teams admin center -> Manage apps -> Upload):
a ZIP of manifest.json (schema v1.16), a 192x192 colour icon and a 32x32 white outline icon on transparency.
The icons are drawn here (a rounded square and a ring), so the package needs no image library and no file."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization

MANIFEST_VERSION = "1.16"
SCHEMA_URL = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
APP_VERSION = "1.0.0"
ACCENT = "#2F5D8A"
COLOR_SIZE, OUTLINE_SIZE = 192, 32


def _png(size: int, pixel) -> bytes:
    """An RGBA PNG of `size` x `size`, each pixel from pixel(x, y) -> (r, g, b, a)."""
    raw = bytearray()
    for y in range(size):
        raw.append(0)  # filter: none
        for x in range(size):
            raw.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def color_icon() -> bytes:
    accent = tuple(int(ACCENT[i : i + 2], 16) for i in (1, 3, 5))
    centre, radius = COLOR_SIZE / 2, COLOR_SIZE * 0.28

    def pixel(x: int, y: int) -> tuple[int, ...]:
        distance = ((x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2) ** 0.5
        if radius - 14 <= distance <= radius:
            return (255, 255, 255, 255)
        return (*accent, 255)

    return _png(COLOR_SIZE, pixel)


def outline_icon() -> bytes:
    centre, radius = OUTLINE_SIZE / 2, OUTLINE_SIZE * 0.4

    def pixel(x: int, y: int) -> tuple[int, ...]:
        distance = ((x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2) ** 0.5
        return (255, 255, 255, 255) if radius - 3 <= distance <= radius else (0, 0, 0, 0)

    return _png(OUTLINE_SIZE, pixel)


def manifest(organization: Organization, app_id: str) -> dict[str, Any]:
    site = settings.SITE_URL.rstrip("/")
    host = urlsplit(site).hostname or "localhost"
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": APP_VERSION,
        "id": app_id,
        "developer": {
            "name": "MentorHub",
            "websiteUrl": site + "/",
            "privacyUrl": site + "/",
            "termsOfUseUrl": site + "/",
        },
        "name": {"short": "MentorHub", "full": f"MentorHub for {organization.name}"[:100]},
        "description": {
            "short": _("Your mentoring matches, sessions and check-ins, in Teams.")[:80],
            "full": _(
                "MentorHub tells you here about a proposed match, a session invitation, the reminder the day "
                "before, your check-ins and nudges. Accept or decline a match, confirm a session and answer a "
                "check-in right from the cards, in your language."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def manifest_zip(organization: Organization, app_id: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(organization, app_id), indent=2, ensure_ascii=False))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()
