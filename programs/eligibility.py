"""Who may take part in a program: the eligibility rule (departments, job levels, locations, still on the
roster, and, when the program has an audience of employee groups, a member of one of them), as a check of
one employee and as a query condition over the roster. Pure rule, no writes."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from identity.models import EmployeeGroupMember
from mentorhub.accounts.models import Employee

from .models import Program, ProgramAudienceGroup


def _audience(program: Program):
    return ProgramAudienceGroup.objects.filter(organization_id=program.organization_id, program_id=program.pk)


def _in_audience_groups(program: Program):
    """Group memberships (of the employee named by OuterRef("pk")) in one of the program's audience groups."""
    return EmployeeGroupMember.objects.filter(
        organization_id=program.organization_id,
        employee_id=OuterRef("pk"),
        group_id__in=_audience(program).values("group_id"),
    )


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
    if program.eligible_locations and employee.location not in program.eligible_locations:
        return False
    if program.pk is None:  # an unsaved program (the wizard's preview) has no audience groups yet
        return True
    # One query: either the program has no audience groups, or the employee is in one of them.
    return Employee.objects.filter(pk=employee.pk).filter(audience_groups_q(program)).exists()


def audience_groups_q(program: Program) -> Q:
    """Members of one of the program's audience groups, or everyone when it has none (no query of its own:
    both are subqueries of the query this condition goes into)."""
    return ~Exists(_audience(program)) | Exists(_in_audience_groups(program))


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
    if program.pk is not None:
        condition &= audience_groups_q(program)
    return condition
