"""What the programs app's forms share: roster choices, explained radio buttons, and a
JSON-safe copy of cleaned data (the wizard keeps its steps in the web session)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def jsonable(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned data in a form the session (JSON) can keep and a form can be bound with again."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in cleaned.items()}


def roster_choices(values: list[Any], keep: list[Any]) -> list[tuple[str, str]]:
    """The roster's values plus any already chosen that left the roster, so a saved choice never vanishes."""
    merged: dict[str, None] = dict.fromkeys(str(v) for v in [*values, *keep] if v not in ("", None))
    return [(v, v) for v in merged]


def explained(
    bound_field: forms.BoundField, explanations: Mapping[str, StrOrPromise]
) -> list[tuple[Any, StrOrPromise]]:
    """The radio buttons of a field, each with its explanation in plain words (for the templates)."""
    return [(radio, explanations.get(radio.data["value"], "")) for radio in bound_field]
