"""The `filter` query parameter, turned into a database query (RFC 7644 §3.4.2.2).

scim2-models parses the filter (`ScimFilter(...).ast`: the RFC's grammar, quoting and escapes); this module
only maps the parsed tree onto the roster. Supported: `eq` comparisons joined by `and`, on the attributes
identity providers look people and groups up by: Users `userName`, `externalId`, `emails.value` (also
`emails[type eq "work"].value`, Microsoft Entra ID's form), `id`, `employeeNumber`; Groups `displayName`,
`externalId`, `id`. Strings compare case-insensitively except externalId and id (caseExact). Anything else
answers 400 `invalidFilter`, naming what is supported.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    ValuePath,
)

from .http import as_pk
from .resources import ENTERPRISE_URN


def _pk_is(value: str) -> Q:
    pk = as_pk(value)
    return Q(pk=pk) if pk is not None else Q(pk__in=[])


Lookups = dict[str, Callable[[str], Q]]

USER_LOOKUPS: Lookups = {
    "username": lambda v: Q(scim_user__user_name__iexact=v) | Q(scim_user__isnull=True, email__iexact=v),
    "externalid": lambda v: Q(scim_user__external_id=v),
    "emails.value": lambda v: Q(email__iexact=v),
    "emails": lambda v: Q(email__iexact=v),
    "id": _pk_is,
    "employeenumber": lambda v: Q(employee_id=v),
    f"{ENTERPRISE_URN}:employeenumber".lower(): lambda v: Q(employee_id=v),
}
GROUP_LOOKUPS: Lookups = {
    "displayname": lambda v: Q(display_name__iexact=v),
    "externalid": lambda v: Q(external_id=v),
    "id": _pk_is,
}
# The core schemas' URNs may prefix an attribute (`urn:...:core:2.0:User:userName`); they name nothing more.
_CORE_URNS = ("urn:ietf:params:scim:schemas:core:2.0:user", "urn:ietf:params:scim:schemas:core:2.0:group")
# Email types a filter may select (`emails[type eq "work"]`): the roster keeps one address, the work one.
_EMAIL_TYPES = {"work"}


def apply_filter(queryset: QuerySet, text: str | None, lookups: Lookups) -> QuerySet:
    if not text:
        return queryset
    tree = ScimFilter(text).ast  # raises InvalidFilterException (400 invalidFilter) for bad syntax
    return queryset.filter(_condition(tree, lookups, text)).distinct()


def _condition(node: FilterNode, lookups: Lookups, text: str) -> Q:
    if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_:
        condition = Q()
        for term in node.terms:
            condition &= _condition(term, lookups, text)
        return condition
    if isinstance(node, Comparison) and node.op == CompareOperator.eq and isinstance(node.value, str):
        lookup = lookups.get(_name(node.attr_path))
        if lookup is not None:
            return lookup(node.value)
    if isinstance(node, ValuePath) and "emails.value" in lookups and _name(node.attr_path) == "emails":
        return _email_selection(node, lookups, text)
    raise _unsupported(text, lookups)


def _email_selection(node: ValuePath, lookups: Lookups, text: str) -> Q:
    """`emails[type eq "work"].value eq "x"` (parsed as `emails[type eq "work" and value eq "x"]`)."""
    terms = node.val_filter.terms if isinstance(node.val_filter, LogicalExpr) else (node.val_filter,)
    if isinstance(node.val_filter, LogicalExpr) and node.val_filter.op != LogicalOperator.and_:
        raise _unsupported(text, lookups)
    values: list[str] = []
    for term in terms:
        if not (isinstance(term, Comparison) and term.op == CompareOperator.eq and isinstance(term.value, str)):
            raise _unsupported(text, lookups)
        name = _name(term.attr_path)
        if name == "type" and term.value.lower() in _EMAIL_TYPES:
            continue
        if name == "type":
            return Q(pk__in=[])  # another type of address: the roster keeps none
        if name != "value":
            raise _unsupported(text, lookups)
        values.append(term.value)
    if len(values) != 1:
        raise _unsupported(text, lookups)
    return lookups["emails.value"](values[0])


def _name(path: AttrPath) -> str:
    name = path.attr if path.sub_attr is None else f"{path.attr}.{path.sub_attr}"
    uri = (path.uri or "").lower()
    if uri and uri not in _CORE_URNS:
        name = f"{uri}:{name}"
    return name.lower()


def _unsupported(text: str, lookups: Lookups) -> InvalidFilterException:
    return InvalidFilterException(
        detail=_("Supported filters: eq comparisons joined by and, on %(names)s")
        % {"names": ", ".join(sorted(name for name in lookups if ":" not in name))},
        filter=text,
    )
