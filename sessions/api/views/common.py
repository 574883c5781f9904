"""What the mentoring API's views share: roles and the caller's roster entry."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from rest_framework.request import Request

from mentorhub.accounts.models import Role
from mentorhub.tenancy import employee_or_404

ADMIN_ONLY = frozenset({Role.ADMIN})
# Mentoring is for the people taking part (admins may be mentors or mentees too). Stakeholders read
# aggregates on the dashboards: every participant route answers them 403, reads included.
TAKING_PART = frozenset({Role.ADMIN, Role.MEMBER})


# Without a roster entry, nothing of theirs is there to act on: 404, like any object that is not theirs.
needs_employee = partial(
    employee_or_404, message=_("Your account is not linked to a roster entry: you take part in no mentoring.")
)


def int_param(request: Request, name: str) -> int | None:
    """A query parameter that names an object by id; anything else is ignored, as the other filters do."""
    value = request.query_params.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def true_param(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")
