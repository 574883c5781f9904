"""PATCH bodies as identity providers send them, made readable for scim2-models' PatchOp.

scim2-models itself takes capitalised operation names (Entra's `Replace`), `"False"` strings for booleans,
the manager as a bare id (resources.Manager), and `remove` operations naming their target in `value`
(resources.POLICY). What is left here: a path-less value map whose keys are attribute paths
(`{"op": "replace", "value": {"name.givenName": "…", "emails[type eq \\"work\\"].value": "…",
"urn:…:enterprise:2.0:User:employeeNumber": "…"}}`, Entra with aadOptscim062020) is split into one
operation per such key; the enterprise attributes named without their schema URN (`"path": "manager"`,
Entra's "Build a SCIM endpoint" Example 5; RFC 7644 §3.10 would read them as core attributes, which have no
such names) are given it, and a manager sent as a one-item list of {value, $ref} becomes that item; and the
`display` Okta sends with group members (read only here) is dropped.
"""

from __future__ import annotations

from typing import Any

from .resources import ENTERPRISE_URN

# Enterprise User attributes (RFC 7643 §4.3) MentorHub keeps; the core User schema has none of these names.
_ENTERPRISE_ONLY = {"employeenumber": "employeeNumber", "department": "department", "manager": "manager"}


def _is_path_key(key: str) -> bool:
    return "." in key or "[" in key or key.lower().startswith("urn:")


def _qualified(operation: dict[str, Any]) -> dict[str, Any]:
    path = operation.get("path")
    if not isinstance(path, str) or path.strip().lower() not in _ENTERPRISE_ONLY:
        return operation
    name = _ENTERPRISE_ONLY[path.strip().lower()]
    qualified = {**operation, "path": f"{ENTERPRISE_URN}:{name}"}
    value = operation.get("value")
    if name == "manager" and isinstance(value, list) and len(value) == 1:
        qualified["value"] = value[0]
    return qualified


def normalize_patch(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list):
        return body
    normalized: list[Any] = []
    for operation in operations:
        if not isinstance(operation, dict):
            normalized.append(operation)
            continue
        operation = _qualified(operation)
        value = operation.get("value")
        if not operation.get("path") and isinstance(value, dict):
            plain = {key: item for key, item in value.items() if not _is_path_key(key)}
            # A value map keyed by an extension URN whose value is an object is an ordinary value map.
            plain.update({k: v for k, v in value.items() if k.lower().startswith("urn:") and isinstance(v, dict)})
            pathed = {k: v for k, v in value.items() if k not in plain}
            if plain:
                normalized.append({**operation, "value": plain})
            normalized.extend({"op": operation.get("op"), "path": key, "value": item} for key, item in pathed.items())
            continue
        if isinstance(value, list):
            value = [
                {k: v for k, v in item.items() if k != "display"}
                if isinstance(item, dict) and "value" in item
                else item
                for item in value
            ]
            operation = {**operation, "value": value}
        normalized.append(operation)
    return {**body, "Operations": normalized}
