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
