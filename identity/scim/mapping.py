"""Between a roster person (Employee + its ScimUser row) and the SCIM User resource.

| SCIM attribute                  | MentorHub                                  | default when a creation omits it |
|---------------------------------|--------------------------------------------|----------------------------------|
| id                              | Employee.pk                                |                                  |
| userName                        | ScimUser.user_name (the email without one) | (required)                       |
| externalId                      | ScimUser.external_id                       |                                  |
| name.givenName / familyName     | ScimUser.given_name / family_name          |                                  |
| displayName                     | Employee.name                              | "givenName familyName", userName |
| title                           | Employee.title                             |                                  |
| active                          | not left (Employee.left_on)                | true                             |
| emails[primary or first].value  | Employee.email                             | (required)                       |
| groups                          | EmployeeGroup memberships (read only)      |                                  |
| enterprise employeeNumber       | Employee.employee_id                       | "scim-" + 12 random hex digits   |
| enterprise department           | Employee.department                        | "Unassigned"                     |
| enterprise manager.value        | the manager's Employee.pk                  | none                             |
| mentorhub jobLevel (1-20)       | Employee.job_level                         | 1                                |
| mentorhub location              | Employee.location                          |                                  |
| mentorhub timeZone (IANA)       | Employee.time_zone                         | "UTC"                            |
| mentorhub hireDate (YYYY-MM-DD) | Employee.hired_on                          | today                            |

meta.version is a weak ETag of the last change of either row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from scim2_models import Context, Meta, Reference

from identity.models import EmployeeGroup, ScimUser
from mentorhub.accounts.models import Employee

from .resources import (
    ENTERPRISE_URN,
    MENTORHUB_URN,
    EnterpriseUser,
    FullUser,
    Group,
    Manager,
    MentorHubUser,
    User,
    UserEmail,
    UserGroup,
    UserName,
)

DEFAULT_DEPARTMENT = "Unassigned"
DEFAULT_JOB_LEVEL = 1
DEFAULT_TIME_ZONE = "UTC"


def etag(*stamps: Any) -> str:
    text = "|".join(stamp.isoformat() if stamp else "" for stamp in stamps)
    return 'W/"' + hashlib.sha256(text.encode()).hexdigest()[:16] + '"'


def user_etag(employee: Employee, scim_user: ScimUser | None) -> str:
    return etag(employee.updated_at, scim_user.updated_at if scim_user else None)


def _scim_user(employee: Employee) -> ScimUser | None:
    try:
        return employee.scim_user
    except ScimUser.DoesNotExist:
        return None


def user_resource(employee: Employee, base_url: str, groups: list[EmployeeGroup] | None = None) -> Any:
    """The FullUser model of one employee (select_related manager and scim_user for lists)."""
    scim_user = _scim_user(employee)
    manager = employee.manager
    group_list = groups if groups is not None else list(employee.employee_groups.all())
    user = FullUser(
        id=str(employee.pk),
        external_id=(scim_user.external_id or None) if scim_user else None,
        user_name=scim_user.user_name if scim_user else employee.email,
        name=UserName(given_name=scim_user.given_name or None, family_name=scim_user.family_name or None)
        if scim_user and (scim_user.given_name or scim_user.family_name)
        else None,
        display_name=employee.name,
        title=employee.title or None,
        active=employee.is_current,
        emails=[UserEmail(value=employee.email, type="work")],
        groups=[
            UserGroup(
                value=str(group.pk), ref=Reference[Group](f"{base_url}Groups/{group.pk}"), display=group.display_name
            )
            for group in group_list
        ]
        or None,
        meta=Meta(
            resource_type="User",
            created=employee.created_at,
            last_modified=max(employee.updated_at, scim_user.updated_at) if scim_user else employee.updated_at,
            location=f"{base_url}Users/{employee.pk}",
            version=user_etag(employee, scim_user),
        ),
    )
    user[EnterpriseUser] = EnterpriseUser(
        employee_number=employee.employee_id,
        department=employee.department,
        manager=Manager(value=str(manager.pk), ref=Reference[User](f"{base_url}Users/{manager.pk}"))
        if manager
        else None,
    )
    user[MentorHubUser] = MentorHubUser(
        job_level=employee.job_level,
        location=employee.location or None,
        time_zone=employee.time_zone,
        hire_date=employee.hired_on.isoformat(),
    )
    return user


def with_roster_values(payload: Any, employee: Employee | None) -> Any:
    """The payload with the attributes every roster row has filled in where it lacks them: the current
    values (PUT of an existing person) or the documented defaults (creation). See the module docstring."""
    if not isinstance(payload, dict):
        return payload
    payload = dict(payload)
    name = payload.get("name") if isinstance(payload.get("name"), dict) else {}
    spelled = f"{name.get('givenName') or ''} {name.get('familyName') or ''}".strip()
    payload.setdefault("displayName", employee.name if employee else spelled or payload.get("userName"))
    enterprise = dict(payload.get(ENTERPRISE_URN) or {})
    mentorhub = dict(payload.get(MENTORHUB_URN) or {})
    if employee is not None:
        payload.setdefault("active", employee.is_current)
        enterprise.setdefault("employeeNumber", employee.employee_id)
        enterprise.setdefault("department", employee.department)
        mentorhub.setdefault("jobLevel", employee.job_level)
        mentorhub.setdefault("timeZone", employee.time_zone)
        mentorhub.setdefault("hireDate", employee.hired_on.isoformat())
    else:
        payload.setdefault("active", True)
        enterprise.setdefault("employeeNumber", "scim-" + secrets.token_hex(6))
        enterprise.setdefault("department", DEFAULT_DEPARTMENT)
        mentorhub.setdefault("jobLevel", DEFAULT_JOB_LEVEL)
        mentorhub.setdefault("timeZone", DEFAULT_TIME_ZONE)
        mentorhub.setdefault("hireDate", timezone.localdate().isoformat())
    payload[ENTERPRISE_URN], payload[MENTORHUB_URN] = enterprise, mentorhub
    schemas = list(payload.get("schemas") or [])
    payload["schemas"] = schemas + [urn for urn in (ENTERPRISE_URN, MENTORHUB_URN) if urn not in schemas]
    return payload


@dataclass
class UserState:
    """What a SCIM request wants one person to be, in MentorHub's terms."""

    user_name: str
    external_id: str
    given_name: str
    family_name: str
    active: bool
    roster: dict[str, Any]  # roster CSV column names -> values (services.employees)
    manager_ref: str | None  # the manager's SCIM id, or None for none


def user_state(user: Any) -> UserState:
    emails = user.emails or []
    primary = emails[0] if emails else None  # MentorHub keeps one (work) email
    given = (user.name.given_name if user.name else None) or ""
    family = (user.name.family_name if user.name else None) or ""
    enterprise = user[EnterpriseUser] or EnterpriseUser()
    mentorhub = user[MentorHubUser] or MentorHubUser()
    display = user.display_name or f"{given} {family}".strip() or user.user_name
    return UserState(
        user_name=(user.user_name or "").strip(),
        external_id=(user.external_id or "").strip(),
        given_name=given.strip()[:120],
        family_name=family.strip()[:120],
        active=bool(user.active) if user.active is not None else True,
        roster={
            "employee_id": enterprise.employee_number or "",
            "email": (primary.value if primary else "") or "",
            "name": display,
            "title": user.title or "",
            "department": enterprise.department or "",
            "job_level": mentorhub.job_level if mentorhub.job_level is not None else "",
            "location": mentorhub.location or "",
            "time_zone": mentorhub.time_zone or "",
            "hired_on": mentorhub.hire_date or "",
        },
        manager_ref=(enterprise.manager.value if enterprise.manager else None) or None,
    )


def dump_user(user: Any, context: Context = Context.RESOURCE_QUERY_RESPONSE, **kwargs: Any) -> dict[str, Any]:
    return user.model_dump(scim_ctx=context, **kwargs)
