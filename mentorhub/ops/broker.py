"""The Celery broker as the operator sees it: whether it answers (`/readyz`) and how many tasks wait in each
queue (`mentorhub_celery_queue_length`). Redis only, as settings configure it; with the embedded default
(`memory://`, tasks run in-process) there is no broker to ask."""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings

# kombu's Redis transport keeps a queue in a list named after it, plus one list per priority step when tasks
# carry priorities (kombu.transport.redis: PRIORITY_STEPS, the "\x06\x16" separator).
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
TIMEOUT_SECONDS = 2.0


def broker_url() -> str:
    return str(getattr(settings, "CELERY_BROKER_URL", "") or "")


def uses_redis() -> bool:
    return broker_url().startswith(("redis://", "rediss://"))


@cache
def _client(url: str) -> redis.Redis:
    # One pool per process and URL; short timeouts, so a probe or a scrape never hangs on a lost broker.
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)


def broker_client() -> redis.Redis:
    return _client(broker_url())


def queue_names() -> list[str]:
    """The queues the deployment's tasks go to: the default one and those the routes name."""
    names = [settings.CELERY_TASK_DEFAULT_QUEUE]
    for route in (getattr(settings, "CELERY_TASK_ROUTES", None) or {}).values():
        queue = route.get("queue") if isinstance(route, dict) else None
        if queue and queue not in names:
            names.append(queue)
    return names


def queue_lengths() -> dict[tuple[str, ...], int] | None:
    """Messages waiting in each queue (not those a worker holds): one round trip for all of them."""
    if not uses_redis():
        return None
    names = queue_names()
    pipeline = broker_client().pipeline(transaction=False)
    for name in names:
        for suffix in _PRIORITY_SUFFIXES:
            pipeline.llen(name + suffix)
    lengths = pipeline.execute()
    step = len(_PRIORITY_SUFFIXES)
    return {(name,): sum(lengths[i * step : (i + 1) * step]) for i, name in enumerate(names)}
