"""This app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from IdentityConfig.ready()."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mentorhub.accounts.privacy.registry import (
    Kind,
    Person,
    PersonalData,
    register_not_personal,
    register_personal_data,
    removed,
)

from .models import EmployeeGroup, EmployeeGroupMember, ScimUser, SsoConnection, SsoSignInAttempt


def _sign_in_attempts(queryset: models.QuerySet, person: Person) -> models.QuerySet:
    """Their sign-ins through the organization's identity provider: by account, or by the address asserted
    (a refused sign-in may have no account)."""
    condition = Q(user=person.user) if person.user is not None else Q(pk__in=[])
    for email in person.emails:
        condition |= Q(email__iexact=email)
    return queryset.filter(condition)


ENTRIES = (
    PersonalData(
        ScimUser,
        "What your identity provider (SCIM) knows of you",
        about=("employee",),
        remove_for=("employee",),
        context=("created_at",),
        fields=(
            removed("user_name", Kind.IDENTIFIER),
            removed("external_id", Kind.IDENTIFIER),
            removed("given_name", Kind.IDENTIFIER),
            removed("family_name", Kind.IDENTIFIER),
        ),
    ),
    PersonalData(
        EmployeeGroupMember,
        "Your employee groups",
        about=("employee",),
        remove_for=("employee",),
        context=("created_at",),
        fields=(removed("group", Kind.MEMBERSHIP),),
    ),
    PersonalData(
        SsoSignInAttempt,
        "Your single sign-on sign-ins",
        rows=_sign_in_attempts,
        remove_rows=_sign_in_attempts,
        context=("protocol", "outcome", "created_at"),
        fields=(
            removed("email", Kind.CONTACT),
            removed("reason", Kind.ACTIVITY),
            removed("claims", Kind.PROFILE),
        ),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(
        SsoConnection,
        attribute_email="the name of the identity provider's claim holding an address: configuration",
        attribute_name="the name of the identity provider's claim holding a name: configuration",
    )
    register_not_personal(
        EmployeeGroup,
        display_name="the group's name (an employee resource group), not a person's",
        description="what the group is, written by an admin",
        external_id="the identity provider's id for the group",
    )
