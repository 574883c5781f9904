"""What a person chooses to share about themselves (analytics.demographics.ATTRIBUTES), written by that
person only. Opt-in: not answering, or "I prefer not to say", is the absence of a row, never a value.

Nothing here writes to the audit log: even "Ana changed her answer about disability" would tell HR more
than the aggregate figures these answers are for."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..demographics import BY_CODE
from ..models import SelfIdentification


def self_identification_clean(answers: Mapping[str, str | None]) -> dict[str, str | None]:
    """{attribute code: one of its values, or None to remove the answer}; a ValidationError names every
    unknown attribute and every value the attribute does not offer."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str | None] = {}
    for code, value in answers.items():
        attribute = BY_CODE.get(code)
        if attribute is None:
            errors[code] = [_("There is no such question.")]
        elif value is None or value == "":
            cleaned[code] = None
        elif value not in attribute.values:
            errors[code] = [
                _("Choose one of the answers offered: %(values)s (or none).") % {"values": ", ".join(attribute.values)}
            ]
        else:
            cleaned[code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def self_identification_save(
    *, organization: Organization, employee: Employee, answers: Mapping[str, str | None]
) -> dict[str, str]:
    """Set, change or remove (None) the person's answers to the attributes given; the others stay as they
    are. Returns every answer the person has now."""
    cleaned = self_identification_clean(answers)
    rows = scoped(SelfIdentification, organization).filter(employee=employee)
    removed = [code for code, value in cleaned.items() if value is None]
    if removed:
        rows.filter(attribute__in=removed).delete()
    current = dict(rows.values_list("attribute", "value"))
    for code, value in cleaned.items():
        if value is None or current.get(code) == value:
            continue
        row = SelfIdentification(organization=organization, employee=employee, attribute=code, value=value)
        row.full_clean(exclude=["organization", "employee"], validate_unique=False, validate_constraints=False)
        # One row per attribute, also when two requests of the person race (get_or_create's retry).
        SelfIdentification.objects.update_or_create(
            organization=organization, employee=employee, attribute=code, defaults={"value": value}
        )
        current[code] = value
    return current


@transaction.atomic
def self_identification_clear(*, organization: Organization, employee: Employee) -> int:
    """Remove every answer the person gave. Returns how many there were."""
    deleted, _ = scoped(SelfIdentification, organization).filter(employee=employee).delete()
    return deleted
