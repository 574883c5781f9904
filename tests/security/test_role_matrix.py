"""The role matrix (tests/security/role_matrix/): every route x method x caller of the project answers what its
row says, every route of the URLconf has a row, and every row still names a route.

One test per route and caller, each method of the row in turn. The world is built once for the module and
every request runs in a savepoint that is rolled back, so a DELETE in one cell never takes away what the next
cell needs (building the world per cell would cost ~1 s each, ~2,700 times)."""

from __future__ import annotations

import logging
import re

import pytest
from django.apps import apps
from django.db import transaction

from mentorhub.db.tenant_scope import all_organizations

from .calls import WORDS, answer_class, matches, rolled_back, send
from .role_matrix import CALLERS, METHODS, PARTS, QUERIES, TABLE, THIRD_PARTY_PREFIXES, VALUES
from .routes import Route, all_routes, resolved_pattern
from .world import World, build_world

pytestmark = pytest.mark.django_db

_ADMIN_MODEL = re.compile(r"^/admin/(\w+)/(\w+)/<object_id>/")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # 4xx answers are the point here: Django's request log would format a traceback for each of thousands.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), transaction.atomic():
        with all_organizations():  # test code builds the world; each request starts from no organization
            built = build_world()
        yield built
        transaction.set_rollback(True)
    request_log.setLevel(level)


def url_of(world: World, pattern: str) -> str:
    values = dict(world.values)
    for param, key in VALUES.get(pattern, {}).items():
        values[param] = world.values[key]
    model = _ADMIN_MODEL.match(pattern)
    if model:  # a real row of that model where there is one (the admin answers before any lookup anyway)
        pk = apps.get_model(*model.groups())._default_manager.order_by("pk").values_list("pk", flat=True).first()
        values["object_id"] = str(pk or 1)
    url = Route(pattern, None).url(values)
    # The filled URL must reach this row's route, not an earlier one that happens to match it.
    assert resolved_pattern(url) == pattern, f"{url} reaches {resolved_pattern(url)}, not {pattern}"
    return url + QUERIES.get(pattern, "")


def _cells() -> list[tuple[str, str]]:
    return [(pattern, caller) for pattern in TABLE for caller in CALLERS]


@pytest.mark.parametrize(("pattern", "caller"), _cells(), ids=[f"{c} {p}" for p, c in _cells()])
def test_each_caller_gets_what_the_row_says(world, pattern, caller):
    url = url_of(world, pattern)
    column = CALLERS.index(caller)
    wrong = []
    for method, row in TABLE[pattern].items():
        expected = row.split()[column]
        with rolled_back():
            got = answer_class(send(world, caller, method, url))
        if not matches(expected, got):
            wrong.append(f"{method} {url}: the table says {expected}, the product answered {got}")
    assert not wrong, f"{caller}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "pattern", [p for p in TABLE if not p.startswith(THIRD_PARTY_PREFIXES)], ids=lambda pattern: pattern
)
def test_methods_without_a_row_are_not_allowed(world, pattern):
    """The row lists every method the view takes: any other answers 405 to the admin (the caller who passes
    the role gates; SCIM: with the admin's token). A view that starts taking DELETE needs its row."""
    url = url_of(world, pattern)
    wrong = []
    for method in METHODS:
        if method in TABLE[pattern]:
            continue
        with rolled_back():
            got = answer_class(send(world, "admin", method, url))
        if got != "405":
            wrong.append(f"{method} {url}: {got}")
    assert not wrong, "Methods the row does not list, answered other than 405:\n" + "\n".join(wrong)


def test_every_route_of_the_urlconf_has_a_row():
    missing = sorted({route.pattern for route in all_routes()} - set(TABLE))
    assert not missing, (
        "Routes without a row in the role matrix (tests/security/role_matrix/): add each with what admin, "
        "stakeholder, member, outsider and anonymous should get:\n" + "\n".join(missing)
    )


def test_every_row_names_a_route_that_exists():
    stale = sorted(set(TABLE) - {route.pattern for route in all_routes()})
    assert not stale, "Rows of the role matrix for routes that no longer exist:\n" + "\n".join(stale)


def test_rows_are_well_formed():
    assert sum(len(part) for part in PARTS) == len(TABLE), "a route has rows in two parts of the matrix"
    for pattern, row in TABLE.items():
        assert row and set(row) <= set(METHODS), f"{pattern}: methods {sorted(row)}"
        for method, answers in row.items():
            words = answers.split()
            assert len(words) == len(CALLERS), f"{pattern} {method}: {len(words)} answers for 5 callers"
            assert set(words) <= WORDS, f"{pattern} {method}: unknown answers {set(words) - WORDS}"
    for pattern in (*VALUES, *QUERIES):
        assert pattern in TABLE, f"{pattern}: named in VALUES or QUERIES but has no row"
