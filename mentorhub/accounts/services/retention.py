"""Retention (docs/privacy.md): a leaver's personal data is erased automatically some months after their
leaving date, the organization's `retention_months` (default 24; 0 turns it off). A nightly beat task
(tasks.apply_retention) runs `retention_apply` for each organization in turn, inside that organization's scope.

Each erasure is services/erasure.employee_erase with no actor, in its own transaction: one that fails is logged
and tried again the next night; the others go on. The rows stay (anonymised), so the impact report, which
counts people by their roster rows, dates and employment events, counts them as before.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from mentorhub.tenancy import scoped

from ..models import Employee, Organization, User
from .audit import audit_record
from .erasure import employee_erase

logger = logging.getLogger(__name__)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it is shorter: 31 March, one
    month earlier, is 28 or 29 February)."""
    years, month_index = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(*, organization: Organization, today: date | None = None) -> date | None:
    """People who left on or before this date are due (None: retention is off)."""
    if not organization.retention_months:
        return None
    return months_before(today or timezone.localdate(), organization.retention_months)


def retention_due(*, organization: Organization, today: date | None = None) -> list[int]:
    """The leavers (employee ids) whose personal data retention erases now."""
    cutoff = retention_cutoff(organization=organization, today=today)
    if cutoff is None:
        return []
    due = scoped(Employee, organization).filter(left_on__lte=cutoff, erased_at__isnull=True)
    return list(due.order_by("pk").values_list("pk", flat=True))


def retention_apply(*, organization: Organization, today: date | None = None) -> int:
    """Erase everyone due; returns how many were erased."""
    erased = 0
    for employee in scoped(Employee, organization).filter(pk__in=retention_due(organization=organization, today=today)):
        try:
            employee_erase(organization=organization, actor=None, employee=employee, source="retention")
        except Exception:  # tried again next night; one person must not hold back the others
            logger.exception("Retention: erasing employee %s of organization %s failed.", employee.pk, organization.pk)
        else:
            erased += 1
    return erased


@transaction.atomic
def organization_retention_update(*, organization: Organization, actor: User, months: int) -> Organization:
    """Set how many months after leaving a person's data is erased (0: never automatically)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old = organization.retention_months
    if old == months:
        return organization
    organization.retention_months = months
    organization.full_clean()
    organization.save(update_fields=["retention_months"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="organization.retention_update",
        target=organization,
        changes={"retention_months": [old, months]},
    )
    return organization
