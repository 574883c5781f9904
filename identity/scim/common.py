"""What the SCIM resource views share: pagination, response parameters, ETags."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from scim2_models import Context, InvalidValueException, ListResponse, PreconditionFailedException, ResponseParameters

from .http import SCIMBadRequest
from .resources import DEFAULT_COUNT, MAX_RESULTS

MAX_START_INDEX = 2**31


def page_bounds(request: HttpRequest) -> tuple[int, int]:
    """(startIndex, count): 1-based start (below 1 reads as 1), count capped at MAX_RESULTS."""
    try:
        start = int(request.GET.get("startIndex", 1))
        count = int(request.GET.get("count", DEFAULT_COUNT))
    except ValueError:
        raise SCIMBadRequest("startIndex and count are integers.") from None
    # An offset past any roster is an empty page; one past the database's bigint would be a 500.
    return min(max(start, 1), MAX_START_INDEX), min(max(count, 0), MAX_RESULTS)


def response_parameters(request: HttpRequest, model: Any) -> Any:
    attributes = request.GET.get("attributes")
    excluded = request.GET.get("excludedAttributes")
    if not attributes and not excluded:
        return None
    try:
        return ResponseParameters[model].model_validate({"attributes": attributes, "excludedAttributes": excluded})
    except ValueError as exc:
        raise InvalidValueException(detail=str(exc)) from None


def dump(resource: Any, parameters: Any = None, context: Context = Context.RESOURCE_QUERY_RESPONSE) -> dict:
    return resource.model_dump(scim_ctx=context, response_parameters=parameters)


def list_payload(resources: list[Any], total: int, start: int, parameters: Any) -> dict[str, Any]:
    return {
        "schemas": [str(ListResponse.__schema__)],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": [dump(resource, parameters, Context.SEARCH_RESPONSE) for resource in resources],
    }


def check_if_match(request: HttpRequest, current: str) -> None:
    """RFC 7644 §3.14: a write with If-Match that does not name the current version answers 412."""
    wanted = request.META.get("HTTP_IF_MATCH")
    if not wanted or wanted.strip() == "*":
        return
    tags = {tag.strip() for tag in wanted.split(",")}
    if current not in tags and current.removeprefix("W/") not in {tag.removeprefix("W/") for tag in tags}:
        raise PreconditionFailedException(detail=_("The resource changed since that version (If-Match)."))
