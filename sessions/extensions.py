"""Where higher apps add to the participant's home page without this app importing them
(docs/architecture.md: registries). Analytics registers its check-ins here in its
AppConfig.ready(); the home page asks every registered provider for the person's things to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mentorhub.accounts.models import Employee, Organization


@dataclass(frozen=True)
class Todo:
    text: str  # "Answer the check-in about your match with Marco Mentor"
    url: str
    hint: str = ""  # "due 3 Dec"


TodoProvider = Callable[[Organization, Employee], list[Todo]]
_providers: list[TodoProvider] = []


def register_home_todos(provider: TodoProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def home_todos(organization: Organization, employee: Employee) -> list[Todo]:
    todos: list[Todo] = []
    for provider in _providers:
        todos += provider(organization, employee)
    return todos
