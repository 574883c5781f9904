"""Runs schemathesis's engine (the one behind `st run`: examples, coverage, fuzzing and stateful phases) in
this process against the live server, as one caller, and tallies what it found.

Schemathesis is pinned (requirements-dev.txt): the engine's events are the same the CLI reports from."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.core.parameters import ParameterLocation
from schemathesis.engine import Status, events, from_schema

# How each check's failures are counted in the figures the issue asks for.
SERVER_ERRORS = frozenset({"not_a_server_error"})
SCHEMA_VIOLATIONS = frozenset(
    {
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    }
)


# Every check is on (schemathesis's default); two are told what this API does by design.
CHECKS = {
    # A schema-valid request may still break a rule that depends on state: activating a program that is
    # already active, approving a discarded match, a second pending invitation to one address, a rating
    # before the session took place. Those are 400s with the reason (docs/api.md). Any other refusal of
    # schema-valid data (415, 422, 405, ...) still fails.
    "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]},
}


def filter_failure(context: Any, failure: Failure, case: Any, response: Any) -> bool:
    """Schemathesis's `filter_failure` hook: keep every failure but schema-violating data accepted outside
    the path, which this API accepts on purpose in two ways: the list filters ignore a value they do not know
    (`?status=nonsense`, `?page=` empty gives the whole list, as DRF's pagination does:
    sessions/api/views/common.py), and DRF's fields coerce scalars (`"name": 0` is the text "0"; a form field
    is always text). The only headers and cookies the schema declares are the credentials, which the
    `ignored_auth` check covers. A path that violates the schema (an id that is no number) must still be
    refused, and is: it matches no route (404)."""
    if not isinstance(failure, AcceptedNegativeData) or case.meta is None:
        return True
    return case.meta.is_negative_at(ParameterLocation.PATH)


@dataclass
class Figures:
    caller: str
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    responses: int = 0
    server_errors: list[str] = field(default_factory=list)
    schema_violations: list[str] = field(default_factory=list)
    other_failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cases_by_phase: Counter[str] = field(default_factory=Counter)
    accepted_on_purpose: int = 0  # failures `filter_failure` dropped
    seconds: float = 0.0

    def row(self) -> str:
        return (
            f"{self.caller:<10} {len(self.operations):>10} {self.cases:>7} {self.responses:>9} "
            f"{len(self.server_errors):>13} {len(self.schema_violations):>17} {len(self.other_failures):>14} "
            f"{self.accepted_on_purpose:>19} {self.seconds:>7.0f}s"
        )

    @staticmethod
    def header() -> str:
        return (
            f"{'caller':<10} {'operations':>10} {'cases':>7} {'responses':>9} {'server errors':>13} "
            f"{'schema violations':>17} {'other checks':>14} {'accepted on purpose':>19} {'time':>8}"
        )

    def problems(self) -> list[str]:
        return [
            *(f"{self.caller}: server error: {f}" for f in self.server_errors),
            *(f"{self.caller}: schema violation: {f}" for f in self.schema_violations),
            *(f"{self.caller}: check failed: {f}" for f in self.other_failures),
            *(f"{self.caller}: engine error: {e}" for e in self.errors),
        ]


def _describe(recorder: Any, case_id: str, check: Any) -> str:
    failure = check.failure_info.failure
    text = f"{recorder.label} [{check.name}] {failure.title}: {failure.message.strip()[:400]}"
    interaction = recorder.interactions.get(case_id)
    if interaction is not None:
        request = interaction.request
        body = (request.body or b"")[:300]
        text += f"\n    request: {request.method} {request.uri} {body!r}"
        if interaction.response is not None:
            response = interaction.response
            text += f"\n    answer: {response.status_code} {response.content[:300]!r}"
    return text


def _tally(figures: Figures, event: events.ScenarioFinished) -> None:
    recorder = event.recorder
    figures.cases += len(recorder.cases)
    figures.cases_by_phase[event.phase.value] += len(recorder.cases)
    figures.accepted_on_purpose += sum(recorder.filtered_failures.values())
    figures.responses += sum(1 for i in recorder.interactions.values() if i.response is not None)
    for node in recorder.cases.values():
        if recorder.interactions.get(node.value.id) is not None:
            figures.operations.add(node.value.operation.label)
    seen: set[tuple[str, str]] = set()
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            key = (check.name, check.failure_info.failure.title)
            if key in seen:  # one line per kind of failure of an operation (the engine repeats them)
                continue
            seen.add(key)
            line = _describe(recorder, case_id, check)
            if check.name in SERVER_ERRORS:
                figures.server_errors.append(line)
            elif check.name in SCHEMA_VIOLATIONS:
                figures.schema_violations.append(line)
            else:
                figures.other_failures.append(line)


def fuzz(
    caller: str,
    raw_schema: dict[str, Any],
    settings: dict[str, Any],
    auth: Callable[[Any], None] | None = None,
) -> Figures:
    """Run every phase for `caller` with the schemathesis configuration `settings` (the keys of
    schemathesis.toml) against the schema `raw_schema`; `auth` registers an auth provider on the loaded
    schema. The figures and every failure found."""
    config = SchemathesisConfig.from_dict({**settings, "checks": CHECKS})
    schema = schemathesis.openapi.from_dict(raw_schema, config=config)
    schema.hook(filter_failure)
    if auth is not None:
        auth(schema)
    figures = Figures(caller=caller)
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _tally(figures, event)
        elif isinstance(event, events.NonFatalError):
            figures.errors.append(f"{event.label}: {event.info.title}: {event.info.message}"[:600])
        elif isinstance(event, events.FatalError):
            figures.errors.append(f"fatal: {event.exception!r}"[:600])
    figures.seconds = time.monotonic() - started
    return figures
