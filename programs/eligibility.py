"""Who may take part in a program: the eligibility rule (departments, job levels, locations, still on the
roster), as a check of one employee and as a query condition over the roster. Pure rule, no writes."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from mentorhub.accounts.models import Employee

from .models import Program


def employee_is_eligible(*, program: Program, employee: Employee, on: date | None = None) -> bool:
    today = on or timezone.localdate()
    if employee.organization_id != program.organization_id:
        return False
    if employee.left_on is not None and employee.left_on <= today:
        return False
    if program.eligible_departments and employee.department not in program.eligible_departments:
        return False
    if program.eligible_job_levels and employee.job_level not in program.eligible_job_levels:
        return False
    return not (program.eligible_locations and employee.location not in program.eligible_locations)


def eligible_employees_q(program: Program, *, on: date | None = None) -> Q:
    """The eligibility rule as a query condition (same rule as employee_is_eligible)."""
    today = on or timezone.localdate()
    condition = Q(organization_id=program.organization_id) & (Q(left_on__isnull=True) | Q(left_on__gt=today))
    if program.eligible_departments:
        condition &= Q(department__in=program.eligible_departments)
    if program.eligible_job_levels:
        condition &= Q(job_level__in=program.eligible_job_levels)
    if program.eligible_locations:
        condition &= Q(location__in=program.eligible_locations)
    return condition
