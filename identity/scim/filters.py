"""The `filter` query parameter, turned into a database query (RFC 7644 §3.4.2.2).

Supported: `eq` comparisons joined by `and`, on the attributes identity providers look people and groups
up by: Users `userName`, `externalId`, `emails.value` (also `emails[type eq "work"].value`), `id`,
`employeeNumber`; Groups `displayName`, `externalId`, `id`. Strings compare case-insensitively except
externalId and id (caseExact). Anything else answers 400 `invalidFilter`, naming what is supported.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from scim2_models import InvalidFilterException

from .resources import ENTERPRISE_URN

_COMPARISON = re.compile(r'^\s*([\w.:\[\]" ]+?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)

USER_LOOKUPS = {
    "username": lambda v: Q(scim_user__user_name__iexact=v) | Q(scim_user__isnull=True, email__iexact=v),
    "externalid": lambda v: Q(scim_user__external_id=v),
    "emails.value": lambda v: Q(email__iexact=v),
    'emails[type eq "work"].value': lambda v: Q(email__iexact=v),
    "emails": lambda v: Q(email__iexact=v),
    "id": lambda v: Q(pk=int(v)) if v.isdigit() else Q(pk__in=[]),
    "employeenumber": lambda v: Q(employee_id=v),
    f"{ENTERPRISE_URN}:employeenumber".lower(): lambda v: Q(employee_id=v),
}
GROUP_LOOKUPS = {
    "displayname": lambda v: Q(display_name__iexact=v),
    "externalid": lambda v: Q(external_id=v),
    "id": lambda v: Q(pk=int(v)) if v.isdigit() else Q(pk__in=[]),
}
_CORE_PREFIXES = ("urn:ietf:params:scim:schemas:core:2.0:user:", "urn:ietf:params:scim:schemas:core:2.0:group:")


def apply_filter(queryset: QuerySet, text: str | None, lookups: dict) -> QuerySet:
    if not text:
        return queryset
    condition = Q()
    for part in _AND.split(text.strip()):
        match = _COMPARISON.match(part)
        attribute = match.group(1).strip().lower() if match else ""
        for prefix in _CORE_PREFIXES:
            attribute = attribute.removeprefix(prefix)
        if not match or attribute not in lookups:
            raise InvalidFilterException(
                detail="Supported filters: eq comparisons joined by and, on "
                + ", ".join(sorted(name for name in lookups if ":" not in name)),
                filter=text,
            )
        value = match.group(2).replace('\\"', '"').replace("\\\\", "\\")
        condition &= lookups[attribute](value)
    return queryset.filter(condition).distinct()
