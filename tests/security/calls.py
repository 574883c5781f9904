"""One request of the role matrix and the answer class it falls in.

Answer classes (the words the table uses):
  200, 201, 202, 204, 400, 401, 403, 404, 405, 415   that status exactly
  login        302 to the sign-in page (allauth's), with the page asked for as `next`
  admin-login  302 to the Django admin's sign-in page
  302          a redirect anywhere else (e.g. a signed-in person sent from the sign-in page to home)
  2xx/3xx      success: any 2xx, or a redirect that is not to a sign-in page (a form that saved)
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import reverse

from .world import World

STATUS_WORDS = {"200", "201", "202", "204", "400", "401", "403", "404", "405", "415"}
WORDS = STATUS_WORDS | {"login", "admin-login", "302", "2xx/3xx"}


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the block in a savepoint and undo everything it wrote (the world stays as it was built)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def send(world: World, caller: str, method: str, url: str):
    """The caller's request, with an empty body (a form with nothing filled in, or `{}` for the API): enough to
    pass or meet each gate (sign-in, organization, role) without making up valid input for every form."""
    scim = url.startswith("/scim/")
    client = world.client(caller, scim=scim)
    call = getattr(client, method.lower())
    if url.startswith(("/api/", "/scim/")):
        return call(url, "{}", content_type="application/json") if method != "GET" else call(url)
    return call(url)


def answer_class(response) -> str:
    """The table's word for a response (see the module docstring)."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers.get("Location", "")).path
        if target == reverse("account_login"):
            return "login"
        if target == reverse("admin:login"):
            return "admin-login"
        return "302"
    return str(status)


def matches(word: str, got: str) -> bool:
    if word == "2xx/3xx":
        return got.startswith("2") or got == "302"
    if word == "302":
        return got == "302"
    return word == got
