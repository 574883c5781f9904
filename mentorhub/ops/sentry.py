"""Optional error reporting (SENTRY_DSN): settings call `sentry_init` when the variable is set, in every
process that loads settings (web, worker, beat), and never otherwise: without a DSN nothing of the SDK runs.

No personal data leaves: the SDK's own collection of it is off (send_default_pii), and `scrub_event` removes
what a request could still carry (its body, query string, cookies, client address, headers beyond a few
technical ones) and stack frames' local variables are never captured. Breadcrumbs are kept only for SQL
statements (their text, with placeholders, never the parameters): a Redis command names its key, and the
session store's keys are session ids; a log line or an outgoing URL may name a secret link. The Redis
integration is off for the same reason (its spans name keys too). What stays: the exception, the stack, the
route, the request id and the organization id (the same ids as the logs, to find the lines)."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.redis import RedisIntegration

from .context import identity_now
from .logging import redact_path

# Request headers an error report may keep: technical, never about the person.
KEPT_HEADERS = frozenset({"accept", "content-type", "content-length", "x-request-id", "hx-request"})


def scrub_event(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "query_string", "cookies", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        url = request.get("url")
        if isinstance(url, str):
            # A path can carry a link's secret (a shared record, a calendar feed): kept as its route's words.
            request["url"] = redact_path(url.split("?", 1)[0])
    event.pop("user", None)
    tags = event.setdefault("tags", {})
    for key in ("request_id", "organization_id", "task_name"):
        value = identity_now().get(key)
        if value is not None:
            tags[key] = str(value)
    return event


def keep_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    if crumb.get("category") != "query":
        return None
    crumb.pop("data", None)
    return crumb


def sentry_init(*, dsn: str, environment: str, release: str = "", traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=keep_breadcrumb,
        disabled_integrations=[RedisIntegration],
    )
