"""Which organization's rows the database shows to the code running now.

The tenancy layer (a request under /o/<slug>/ or /api/v1/o/<slug>/) and the task decorators set it; the
PostgreSQL backend (mentorhub/db/postgresql/base.py) hands it to every statement as transaction-local
settings, and the row-level security policies (mentorhub/db/rls.py) show and accept only that organization's
rows. Nothing set means no rows of any tenant table.

Reads that must cross organizations name themselves with `all_organizations()`: resolving which organization
a request is for (a membership by slug, a token by its key, a domain by an email address), the Django admin,
management commands, and the dispatchers that list organizations before working on each one.

A context variable, not a thread-local: each thread (and each asyncio task) starts with nothing set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, Final, Literal, TypeVar

ALL: Final = "all"
Scope = int | Literal["all"] | None

_scope: ContextVar[Scope] = ContextVar("mentorhub_tenant_scope", default=None)


def current_scope() -> Scope:
    return _scope.get()


def set_scope(scope: Scope) -> None:
    """Set the scope for the rest of this request or task (the request middleware and the task decorator
    put back what was there before when they end)."""
    if scope is not None and scope != ALL:
        scope = int(scope)
    _scope.set(scope)


def activate_organization(organization_id: int) -> None:
    """The tenancy layer: from here on this request works inside one organization. A request that already
    works inside another one never switches (that would be a resolver reused in the wrong place)."""
    current = _scope.get()
    if isinstance(current, int) and current != int(organization_id):
        raise RuntimeError("This request already works inside another organization.")
    set_scope(int(organization_id))


@contextmanager
def organization_scope(organization_id: int) -> Iterator[None]:
    """Work inside one organization for the duration of the block (cross-organization jobs iterate
    organizations with this)."""
    previous = _scope.get()
    _scope.set(int(organization_id))
    try:
        yield
    finally:
        _scope.set(previous)


@contextmanager
def all_organizations() -> Iterator[None]:
    """A read or write that must cross organizations, named as such at its call site (keep the block to the
    one query that needs it)."""
    previous = _scope.get()
    _scope.set(ALL)
    try:
        yield
    finally:
        _scope.set(previous)


@contextmanager
def no_organization() -> Iterator[None]:
    """Nothing set: tenant tables show no rows and refuse writes (the start of every request and task)."""
    previous = _scope.get()
    _scope.set(None)
    try:
        yield
    finally:
        _scope.set(previous)


def settings_statement(scope: Scope) -> str:
    """The statement that hands `scope` to PostgreSQL for the current transaction only (set_config(...,
    true) is SET LOCAL: it ends with the transaction, so it is safe behind PgBouncer in transaction mode).
    Both settings are always written, so a scope left by an earlier statement of the same transaction
    never lingers."""
    organization = str(int(scope)) if isinstance(scope, int) else ""
    everything = "on" if scope == ALL else "off"
    return (
        f"SELECT set_config('app.organization_id', '{organization}', true), "
        f"set_config('app.all_organizations', '{everything}', true)"
    )


# --- Celery tasks -------------------------------------------------------------------------------------
# Every task of ours carries one of these two decorators (under @shared_task); a test fails when one has
# neither (tests/rls/test_row_level_security.py).

F = TypeVar("F", bound=Callable[..., Any])


def organization_task(task: F) -> F:
    """A task that works inside the organization given by its `organization_id` keyword argument: the
    database shows that organization's rows only, whatever the caller's scope was."""

    @wraps(task)
    def run(*args: Any, **kwargs: Any) -> Any:
        organization_id = kwargs.get("organization_id")
        if organization_id is None:
            raise TypeError(f"{task.__name__} works inside one organization: pass organization_id=...")
        with organization_scope(organization_id):
            return task(*args, **kwargs)

    run.tenant_scope = "organization"  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def cross_organization_task(task: F) -> F:
    """A task that serves every organization (a beat dispatcher): it starts with no organization in scope
    and iterates organizations itself (`organization_scope`), or names a cross-organization read with
    `all_organizations()`. With `organization_id` given it works inside that organization only."""

    @wraps(task)
    def run(*args: Any, **kwargs: Any) -> Any:
        organization_id = kwargs.get("organization_id")
        scope = organization_scope(organization_id) if organization_id is not None else no_organization()
        with scope:
            return task(*args, **kwargs)

    run.tenant_scope = "cross-organization"  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]
