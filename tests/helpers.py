"""Small helpers every test module shares (one copy, imported from here; never redefined per module)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse


def org_url(name: str, org: Any, *, query: dict[str, Any] | None = None, **kwargs: Any) -> str:
    """The URL of the organization's route `name` (kwargs fill the route's other parts); `query` adds a
    query string."""
    url = reverse(name, kwargs={"org_slug": org.slug, **kwargs})
    return f"{url}?{urlencode(query)}" if query else url


def page_text(response: Any) -> str:
    """A response's body as text, to assert on what a person reads."""
    return response.content.decode()


def client_for(membership: Any) -> Client:
    """A test client signed in as the membership's user."""
    client = Client()
    client.force_login(membership.user)
    return client


def thread_like_the_test(target: Any, *, args: tuple = (), name: str | None = None) -> Any:
    """A thread that runs `target` with the test code's database scope (every organization, see
    tests/conftest.py): a new thread starts with no organization in the row-level security scope."""
    import contextvars
    import threading

    context = contextvars.copy_context()
    return threading.Thread(target=context.run, args=(target, *args), name=name)


def require_postgresql() -> None:
    """Skip a test that needs two real transactions on PostgreSQL; in CI (MENTORHUB_REQUIRE_SERVICES) fail it."""
    import pytest
    from django.db import connection

    from tests.celery_worker import services_required

    if connection.vendor != "postgresql":
        reason = "needs two real transactions on PostgreSQL (DATABASE_URL)"
        if services_required():
            pytest.fail(f"MENTORHUB_REQUIRE_SERVICES is set, but this test {reason}.")
        pytest.skip(reason)


def race(*calls: Any) -> list:
    """Run the calls in threads, each on its own database connection, released together by a barrier; each
    result is ("ok", value) or ("error", exception)."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index: int, call: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # collected for the caller's assertions
            results[index] = ("error", error)
        finally:
            connections.close_all()  # this thread's connection

    threads = [thread_like_the_test(worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    return results
