"""A service's refusal, shown to the person who asked: the ONE mapping of Django's ValidationError onto an
API answer, onto a form, and into a flash message.

Services raise `django.core.exceptions.ValidationError` (writes live in services: docs/architecture.md). DRF knows
only its own ValidationError, so the project's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"])
turns a service's into a 400 with its messages: no API view catches service errors by hand.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


def service_error_detail(error: ValidationError, *, non_field_key: str | None = None) -> dict[str, Any]:
    """A service's ValidationError as a DRF error body: {field: [messages]}, a message list under
    `non_field_errors` (or `non_field_key`, for a view whose clients know another key). Per-question messages
    (keys that are question ids, from enrollment or survey answers) are grouped under `answers`, the field the
    client sent them in."""
    if non_field_key is not None and not hasattr(error, "error_dict"):
        return {non_field_key: error.messages}
    detail: dict[str, Any] = as_serializer_error(error)
    answers = {key: value for key, value in detail.items() if str(key).isascii() and str(key).isdigit()}
    if answers:
        detail = {key: value for key, value in detail.items() if key not in answers}
        detail["answers"] = answers
    return detail


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The project's DRF exception handler: a service's ValidationError becomes a 400 with its messages;
    everything else (DRF's own errors, Django's Http404 and PermissionDenied) is DRF's default answer."""
    if isinstance(exc, ValidationError):
        # A view may name the key of messages that belong to no field (its clients read that key).
        non_field_key = getattr(context.get("view"), "service_errors_non_field_key", None)
        exc = exceptions.ValidationError(service_error_detail(exc, non_field_key=non_field_key))
    return exception_handler(exc, context)


API_PREFIX = "/api/"


# The project's answers to requests that never reach an API view (`handler404`, `handler400` and `handler500`
# in mentorhub/urls.py). Under /api/ they are the API's own shape, JSON `{"detail": ...}`, as the schema documents
# for every operation: an API client must not have to read Django's HTML pages. Everywhere else, Django's.


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """No route matched (an id that is not a number, a typo in the path)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django refused the request before any view (too many form fields, a body over the upload limit)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": "The request could not be read: it is too large or has too many fields."}, status=400
        )
    return django_bad_request(request, exception)


# How long a client is asked to wait when the database is out of reach (the page reloads itself after it).
RETRY_AFTER_SECONDS = 15
UNAVAILABLE_DETAIL = "The service cannot reach its database just now; try again in a moment."
logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    """An exception no view handled (`handler500`; Django calls it inside its `except`, and has logged nothing
    yet: it logs the exception with its traceback after this returns, never to the client).

    The database out of reach (down, restarting, failing over, its connections cut: OperationalError; a
    connection already closed: InterfaceError) is not a bug in the page: every page answers 503 with
    Retry-After, HTML for pages and JSON under /api/, and the process recovers by itself once the database
    is back (CONN_HEALTH_CHECKS replaces a broken persistent connection before the next request uses it)."""
    if database_out_of_reach(sys.exc_info()[1]):
        return service_unavailable(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error."}, status=500)
    return django_server_error(request)


# SQLSTATEs of a server that is going away or cannot take connections: class 08 (connection exception) and
# admin/crash shutdown, cannot connect now. A statement timeout (57014), a deadlock (40P01) or SQLite's
# "database is locked" are OperationalErrors too, but they are faults to see as 500s, not outages.
_UNREACHABLE_SQLSTATES = ("57P01", "57P02", "57P03")


def database_out_of_reach(error: BaseException | None) -> bool:
    if isinstance(error, InterfaceError):  # the connection was already closed under us
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    code = getattr(cause, "pgcode", None)
    if code:
        return code.startswith("08") or code in _UNREACHABLE_SQLSTATES
    # No SQLSTATE: the driver never got an answer from a server (refused, reset, timed out); but SQLite's
    # errors carry none either, and they come from a file on this machine, not from a server out of reach.
    return cause is not None and not type(cause).__module__.startswith("sqlite3")


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 "back in a moment". Rendered without the request, so no context processor asks the database."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503, headers=headers)
    try:
        body: str = render_to_string("web/service_unavailable.html", {"retry_after": RETRY_AFTER_SECONDS})
    except Exception:  # the error page itself must not fail: plain words instead of the styled page
        logger.exception("The 503 page could not be rendered.")
        body = f"<!doctype html><title>Back in a moment</title><h1>Back in a moment</h1><p>{UNAVAILABLE_DETAIL}</p>"
    return HttpResponse(body, status=503, headers=headers)


def service_error_text(error: ValidationError) -> str:
    """All of a service's messages as one sentence, for a flash message or a single form-wide error."""
    return " ".join(error.messages)


def form_add_service_error(
    form: forms.Form,
    error: ValidationError,
    *,
    field_for: Callable[[str], str] | None = None,
    unkeyed_field: str | None = None,
) -> None:
    """Put a service's ValidationError back on the form that asked for the write, one error per message.

    A message keyed by a field goes next to that field when the form has it (`field_for` turns a service's
    key into the form's field name first, e.g. a question id "12" into "q_12"); any other key goes on the
    whole form. Messages not keyed at all go on `unkeyed_field`, or on the whole form when it is None.
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(unkeyed_field, message)
        return
    for key, messages in error.message_dict.items():
        name = field_for(key) if field_for is not None else key
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
