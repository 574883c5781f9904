"""Choosing a language: the person's own (User.language) and the organization's default
(Organization.default_language), both audited like the other settings."""

from __future__ import annotations

from django.db import transaction

from ..models import Organization, User
from .audit import audit_record


@transaction.atomic
def user_language_update(*, organization: Organization, actor: User, language: str) -> User:
    """The signed-in person's own language; blank: their browser's, else the organization's default."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    old, new = user.language, (language or "").strip()
    if old == new:
        return user
    user.language = new
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="user.language_update",
        target=user,
        changes={"language": [old, new]},
    )
    return user


@transaction.atomic
def organization_language_update(*, organization: Organization, actor: User | None, language: str) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old, new = organization.default_language, (language or "").strip()
    if old == new:
        return organization
    organization.default_language = new
    organization.full_clean()
    organization.save(update_fields=["default_language"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="organization.language_update",
        target=organization,
        changes={"default_language": [old, new]},
    )
    return organization
