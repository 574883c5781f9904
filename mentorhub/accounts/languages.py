"""Which language a person reads MentorHub in: their own choice (User.language), else, on a page, what their
browser asks for (Accept-Language) when we have it, else their organization's default.

Emails, chat messages and notices are written in the recipient's language: render them inside
`translation.override(language_of_employee(...))`. A person on the roster who never signed in has no choice of
their own and no browser: they get the organization's default."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from .models import Employee, Membership, Organization, User

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def supported_or_none(code: str | None) -> str | None:
    """The supported language for a code such as "de-AT" or "fr" (None when we have none of it)."""
    if not code:
        return None
    code = code.lower()
    if code in SUPPORTED:
        return code
    base = code.split("-")[0].split("_")[0]
    return base if base in SUPPORTED else None


def language_of_user(user: User | None, organization: Organization | None = None) -> str:
    """A signed-in person's language outside a request (their choice, else the organization's)."""
    chosen = supported_or_none(getattr(user, "language", "")) if user is not None else None
    return chosen or organization_language(organization)


def organization_language(organization: Organization | None) -> str:
    return supported_or_none(getattr(organization, "default_language", "")) or settings.LANGUAGE_CODE


def languages_of_employees(organization: Organization, employee_ids: Iterable[int]) -> dict[int, str]:
    """Each roster row's language in one query: the choice of the user linked to it in this organization,
    else the organization's default. Every id asked for is in the answer."""
    ids = set(employee_ids)
    default = organization_language(organization)
    chosen = dict(
        Membership.objects.filter(organization=organization, employee_id__in=ids)
        .exclude(user__language="")
        .values_list("employee_id", "user__language")
    )
    return {pk: supported_or_none(chosen.get(pk)) or default for pk in ids}


def language_of_employee(organization: Organization, employee: Employee | int) -> str:
    pk = employee if isinstance(employee, int) else employee.pk
    return languages_of_employees(organization, [pk])[pk]
