"""Refuse a NUL character in any text a request carries, before a view runs.

PostgreSQL's text and jsonb cannot hold U+0000: a query with one fails in the driver, so a search filter
with a NUL answered 500, and a CSV export streaming a filtered query was cut off mid-file. Checking every
view, serializer and form by hand would miss the next one, so this middleware answers 400 for the whole
site when the NUL is in

- the URL path (a `<str:...>` parameter) or the query string (a key or a value);
- a urlencoded or multipart form field (any method; the contents of an uploaded file are the upload's
  reader's business: the roster CSV reports a NUL cell by line and column);
- a JSON body (`application/json`, `application/*+json`: the REST API and SCIM), as the `\\u0000` escape.

The other control characters are left alone: PostgreSQL stores them, and tabs, newlines, form feeds and
vertical tabs turn up in text pasted from office documents.

The answer is JSON under /api/ (`{"detail": ...}`, DRF's shape), SCIM's Error schema under /scim/
(RFC 7644 §3.12) and a page everywhere else. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is not read here:
the view answers it as it always does (SCIM with 413).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy

NUL = "\x00"
MESSAGE = gettext_lazy(
    "The request contains a NUL character (U+0000), which no text field accepts. "
    "Remove it (it is often pasted in invisibly) and try again."
)
SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A `\u0000` escape whose backslash is not itself escaped: an even run of backslashes (zero or more
# escaped backslashes) before it, and no backslash before that run.
_JSON_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def json_has_nul(body: bytes) -> bool:
    """Whether a JSON text decodes to a string (a key or a value) holding U+0000, without parsing it. A raw
    NUL byte is no valid JSON (control characters must be escaped): the parser refuses that one."""
    return _JSON_NUL_ESCAPE.search(body) is not None


def _has_nul(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def _form(request: HttpRequest) -> QueryDict | None:
    """The form fields of the body, for a form body; None otherwise."""
    if request.method == "POST":
        return request.POST  # parsed once here, reused by the view (and by DRF, which reads request.POST)
    if request.content_type == "application/x-www-form-urlencoded":
        return QueryDict(request.body, encoding=request.encoding)
    return None  # multipart with PUT or PATCH: DRF's CharField refuses a NUL itself


def request_has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or _has_nul(request.GET.lists()):
        return True
    content_type = (request.content_type or "").lower()
    try:
        if content_type in FORM_TYPES:
            form = _form(request)
            return form is not None and _has_nul(form.lists())
        if content_type == "application/json" or content_type.endswith("+json"):
            return json_has_nul(request.body)
    except RequestDataTooBig:
        return False  # nothing was read: the view meets the same refusal and answers it in its own form
    return False


def nul_refusal(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/scim/"):
        error = {"schemas": [SCIM_ERROR_SCHEMA], "status": "400", "scimType": "invalidValue", "detail": str(MESSAGE)}
        return HttpResponse(json.dumps(error), status=400, content_type="application/scim+json")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=400)
    return render(request, "web/bad_request.html", {"message": MESSAGE}, status=400)


class NulRefusalMiddleware:
    """Answer 400 to a request with a NUL in its path, query string, form fields or JSON body (see the
    module docstring). Placed before any middleware or view that reads request data into a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            return nul_refusal(request)
        return self.get_response(request)
