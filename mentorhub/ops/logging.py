"""Structured logs: one JSON object per line (LOG_FORMAT=json, the production default), each with the request
id, organization id and user id of the request that wrote it, or the task id, name and organization of the
Celery task (mentorhub/ops/context.py). Settings name these classes in LOGGING; the Celery worker uses the same
configuration (mentorhub/ops/metrics/tasks.py hands it LOGGING)."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from .context import identity_now

# What every LogRecord has; anything else on a record came from `extra=` and goes into the line as it is.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
IDS = ("request_id", "organization_id", "user_id", "task_id", "task_name")


# A path segment this long of URL-safe characters is a secret of the link (a calendar feed's token, an
# unsubscribe or invitation token, a password-reset key), never a word of a route: logs keep only its length.
_SECRET_SEGMENT = re.compile(r"[A-Za-z0-9_\-:]{20,}")


def redact_path(path: str) -> str:
    return _SECRET_SEGMENT.sub(lambda found: f"[{len(found.group())} characters]", path)


class ContextFilter(logging.Filter):
    """Puts the ids of the code running now on the record (a handler's filter: it sees every line the handler
    writes, whichever logger it came from). Ids a record already carries (`extra=`) win.

    Django's own lines about a request ("Not Found: /calendar/<token>.ics", the `request` it adds to the record)
    carry the raw path: its secret segments are replaced here, so a token never reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in identity_now().items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str):
            if isinstance(record.args, tuple):
                record.args = tuple(redact_path(arg) if arg == path else arg for arg in record.args)
            record.request = f"{getattr(request, 'method', '')} {redact_path(path)}"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in IDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in IDS and key not in line and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def logging_config(*, json_lines: bool, level: str) -> dict[str, Any]:
    """Settings' LOGGING: everything to stderr through one handler, with the ids filter; JSON lines or Django's
    plain messages."""
    handler: dict[str, Any] = {"class": "logging.StreamHandler", "filters": ["ids"]}
    if json_lines:
        handler["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"ids": {"()": "mentorhub.ops.logging.ContextFilter"}},
        "formatters": {"json": {"()": "mentorhub.ops.logging.JsonFormatter"}},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
    }
