"""Who and what the code running now works for, for the log lines it writes: a request (its id, and the
organization and person once known) or a Celery task (its id and name, and its organization).

Context variables, like the tenant scope (mentorhub/db/tenant_scope.py): each thread starts with nothing. The
organization of a line is the tenant scope when one is set (the tenancy layer and the task decorators set it);
what the request or task recorded otherwise (a line written after the scope was put back, such as the access
line).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils.functional import SimpleLazyObject, empty

from mentorhub.db.tenant_scope import current_scope

# What a load balancer or another service may hand us as X-Request-ID: anything else is replaced, so a log
# line never carries text a client chose beyond this alphabet.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


@dataclass
class RequestContext:
    request_id: str
    request: Any = None
    organization_id: int | None = None
    user_id: int | None = None


@dataclass
class TaskContext:
    task_id: str
    task_name: str
    organization_id: int | None = None
    started: float = 0.0  # time.perf_counter() at the start, for the task's duration metric
    outer: TaskContext | None = None  # the task this one runs inside (eagerly, on the embedded default)


_request: ContextVar[RequestContext | None] = ContextVar("mentorhub_ops_request", default=None)
_task: ContextVar[TaskContext | None] = ContextVar("mentorhub_ops_task", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a plausible one (a proxy's), else a new one."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def enter_request(context: RequestContext) -> None:
    _request.set(context)


def leave_request(**_: Any) -> None:
    """Django's request_finished (the response closed): after the middleware, Django still logs the answer
    of a 4xx or 5xx ("Not Found: ..."), and that line belongs to the request too. A task run eagerly in the
    request that raised (the embedded default propagates its exception: Celery sends no task_postrun then)
    ends here too."""
    _request.set(None)
    _task.set(None)


def current_request() -> RequestContext | None:
    return _request.get()


def enter_task(context: TaskContext) -> None:
    _task.set(context)


def leave_task(task_id: str) -> TaskContext | None:
    """The task's context, handing back the one it ran inside; None if `task_id` is not the task running."""
    context = _task.get()
    if context is None or context.task_id != task_id:
        return None
    _task.set(context.outer)
    return context


def current_task() -> TaskContext | None:
    return _task.get()


def signed_in_user_id(request: Any) -> int | None:
    """The signed-in person's id if the request has already looked them up: a log line never costs a query
    (Django's request.user is lazy until something reads it)."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


def identity_now() -> dict[str, Any]:
    """The ids for a log line written now (None where there is none)."""
    scope = current_scope()
    organization_id = scope if isinstance(scope, int) else None
    ids: dict[str, Any] = {"request_id": None, "organization_id": organization_id, "user_id": None}
    request = _request.get()
    if request is not None:
        ids["request_id"] = request.request_id
        ids["organization_id"] = organization_id or request.organization_id
        ids["user_id"] = request.user_id or signed_in_user_id(request.request)
    task = _task.get()
    if task is not None:
        ids["task_id"] = task.task_id
        ids["task_name"] = task.task_name
        ids["organization_id"] = ids["organization_id"] or task.organization_id
    return ids
