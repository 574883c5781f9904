"""The organization's meeting settings: the video link template scheduling uses for a session without a link
(sessions/services/sessions.py), a fixed Teams/Zoom address or a room pattern with {match}, {session}, {org}."""

from __future__ import annotations

from django.db import transaction

from ..models import Organization, User
from .audit import audit_record


@transaction.atomic
def organization_video_link_update(*, organization: Organization, actor: User | None, template: str) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old, new = organization.video_link_template, (template or "").strip()
    if old == new:
        return organization
    organization.video_link_template = new
    organization.full_clean()
    organization.save(update_fields=["video_link_template"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="organization.video_link_update",
        target=organization,
        changes={"video_link_template": [old, new]},
    )
    return organization
