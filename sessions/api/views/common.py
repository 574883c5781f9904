"""What the mentoring API's views share: roles and the caller's roster entry."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.request import Request

from mentorhub.accounts.models import Employee, Role
from mentorhub.tenancy import OrgApiRequest

ADMIN_ONLY = frozenset({Role.ADMIN})
# Mentoring is for the people taking part (admins may be mentors or mentees too). Stakeholders read
# aggregates on the dashboards: every participant route answers them 403, reads included.
TAKING_PART = frozenset({Role.ADMIN, Role.MEMBER})


def employee_of(request: OrgApiRequest) -> Employee | None:
    """The caller's roster entry, or None for an account not linked to one (it takes part in nothing)."""
    return request.membership.employee if request.membership.employee_id else None


def needs_employee(request: OrgApiRequest) -> Employee:
    """The caller's roster entry; without one there is nothing of theirs to act on: 404, like any object
    that is not theirs."""
    employee = employee_of(request)
    if employee is None:
        raise exceptions.NotFound("Your account is not linked to a roster entry: you take part in no mentoring.")
    return employee


def int_param(request: Request, name: str) -> int | None:
    """A query parameter that names an object by id; anything else is ignored, as the other filters do."""
    value = request.query_params.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def true_param(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")
