"""Schemathesis fuzzes every operation of /api/schema/ against the live server (real HTTP on loopback), as
three callers: an HR admin with an API token, a member signed in with a session cookie (and the CSRF token
that a session's writes need), and an anonymous visitor. Every check is on, the stateful phase follows the
links schemathesis infers between operations, and the data behind the ids (tests/api_fuzz/seed.py) is
realistic, with the other organization's ids mixed in. The goal is 0 server errors and 0 schema violations;
the figures are printed at the end (`pytest -s`, or `-rP`).

Bounded by MAX_EXAMPLES per operation in the fuzzing phase and by running the coverage phase as the admin
only (WITHOUT_COVERAGE), chosen by measurement so that the three runs take a few minutes on two cores: see
docs/api.md ("Fuzzing"), which also says how to run it longer or with another seed.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.conf import settings
from django.test import Client

from mentorhub.accounts.models import Membership
from mentorhub.accounts.services.tokens import api_token_create

from .runner import Figures, fuzz
from .seed import seed

pytestmark = pytest.mark.xdist_group("api_fuzz")

# Examples per operation in the fuzzing phase (the coverage phase adds its own, the stateful phase its
# scenarios). Measured on two cores: see docs/api.md.
MAX_EXAMPLES = int(os.environ.get("MENTORHUB_FUZZ_EXAMPLES", "10"))
# A fixed seed makes a CI run repeatable; set MENTORHUB_FUZZ_SEED to explore further.
SEED = int(os.environ.get("MENTORHUB_FUZZ_SEED", "20261207"))
# How often an id parameter takes a seeded id (ours or the other organization's) instead of a generated one.
SEEDED_ID_PROBABILITY = 0.8


# The coverage phase sends every operation its boundary and invalid inputs (thousands of requests, whatever
# MAX_EXAMPLES says) and is most of a run's time. The admin's run has it: the admin is also the mentor of the
# seeded pair, so every operation meets real objects there. The member's and the anonymous visitor's runs
# leave it out: what they are refused (roles, objects not theirs, not signed in) is decided before their
# input is read, and the refusals that come before any view (a NUL anywhere, an unroutable id, too many form
# fields) do not depend on the caller. Their examples, fuzzing and stateful phases still call every operation.
WITHOUT_COVERAGE = {"coverage": {"enabled": False}, "stateful": {"enabled": True}}

# The callers to run (all three unless narrowed, e.g. MENTORHUB_FUZZ_CALLERS=member while fixing something).
CALLERS = os.environ.get("MENTORHUB_FUZZ_CALLERS", "admin,member,anonymous").split(",")


def _settings(base_url: str, org_slug: str, ids: dict[str, list[int]], **extra: Any) -> dict[str, Any]:
    """The schemathesis configuration (the keys of schemathesis.toml) for one caller."""
    return {
        "seed": SEED,
        "base-url": base_url,
        "workers": 1,
        # Nothing written into the working tree: no .schemathesis cache, no Hypothesis example database.
        "cache": {"enabled": False},
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        # Every request on a new connection. The test server (wsgiref) is not a production server: on a
        # kept-alive connection, some of the generated requests left bytes behind that the next request was
        # read from (a garbled answer, and a server thread holding a database connection past the test).
        "headers": {"Connection": "close"},
        "parameters": {
            "org_slug": org_slug,
            **{name: {"dictionary": name, "probability": SEEDED_ID_PROBABILITY} for name in ids},
        },
        "dictionaries": {name: {"values": values} for name, values in ids.items()},
        # Unexpected HTTP methods are left to the role matrix, which checks every route's unlisted methods
        # answer 405 (tests/security/test_role_matrix.py): here they were a large share of the coverage phase.
        "phases": {"stateful": {"enabled": True}, "coverage": {"unexpected-methods": []}},
        **extra,
    }


def signed_in_as(member: Membership) -> Callable[[Any], None]:
    """Registers, on a loaded schema, the member's session cookie as the credential of the schema's
    `cookieAuth`, with the CSRF cookie and header that a session's writes need. Given to schemathesis as its
    auth (not as fixed headers), so that the `ignored_auth` check can take it away and see a 401."""
    client = Client()
    client.force_login(member.user)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Django compares the X-CSRFToken header with the csrftoken cookie; an unmasked 32-character secret is a
    # valid value for both (django.middleware.csrf).
    csrf = secrets.token_hex(16)

    class SessionCookie:
        def get(self, case: Any, context: Any) -> str:
            return session_id

        def set(self, case: Any, data: str, context: Any) -> None:
            case.cookies = {**(case.cookies or {}), settings.SESSION_COOKIE_NAME: data, settings.CSRF_COOKIE_NAME: csrf}
            case.headers = {**(case.headers or {}), "X-CSRFToken": csrf}

    return lambda schema: schema.auth()(SessionCookie)


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, org, other_org, admin, member):
    seeded = seed(org, admin, member, other_org)
    ids = {name: sorted(set(values + seeded.foreign.get(name, []))) for name, values in seeded.ids.items()}
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="fuzz")
    with requests.get(
        f"{live_server.url}/api/schema/?format=json",
        headers={"Authorization": f"Bearer {raw}", "Connection": "close"},
        timeout=60,
    ) as answer:
        schema = answer.json()

    base = (live_server.url, org.slug, ids)
    callers: dict[str, tuple[dict[str, Any], Callable[[Any], None] | None]] = {
        "admin": (_settings(*base, auth={"openapi": {"apiToken": {"bearer": raw}}}), None),
        "member": (_settings(*base, phases=WITHOUT_COVERAGE), signed_in_as(member)),
        "anonymous": (_settings(*base, phases=WITHOUT_COVERAGE), None),
    }
    # Quiet: every refused request would log a warning (Unauthorized, Not Found), and every request Django
    # refuses before a view (too many fields) a traceback on django.security. A 500 still logs at ERROR.
    quiet = {"django.request": logging.ERROR, "django.security": logging.CRITICAL}
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
    try:
        results = [fuzz(caller, schema, *callers[caller]) for caller in CALLERS]
    finally:
        for name in quiet:
            logging.getLogger(name).setLevel(logging.NOTSET)

    print(f"\nschemathesis: seed {SEED}, {MAX_EXAMPLES} examples per operation in the fuzzing phase")
    print(Figures.header())
    for figures in results:
        print(figures.row(), dict(figures.cases_by_phase))
    problems = [problem for figures in results for problem in figures.problems()]
    for problem in problems:
        print(problem)
    assert not problems, f"{len(problems)} problems found (printed above)"
    operations = len(
        [m for item in schema["paths"].values() for m in item if m in {"get", "put", "post", "patch", "delete"}]
    )
    # Every operation was called as every caller: nothing skipped, the run was real.
    assert all(len(figures.operations) == operations for figures in results), [
        (f.caller, operations - len(f.operations)) for f in results
    ]
