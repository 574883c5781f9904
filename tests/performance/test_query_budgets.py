"""Queries per page, bounded and asserted: every page and list the product serves (GET) stays within its budget
for each kind of person who reads it, and no page's count grows when the organization's data doubles.

The routes come from the role matrix (tests/security/role_matrix/), not from a list kept here: every GET row
outside the third-party views (allauth, the Django admin) is measured for each caller the row lets through
(200, or a redirect after success), plus the mentor (the matrix's member is the mentee of the world's pair) on
the member's pages. A new route is measured as soon as it has its row (the matrix fails without one), against
DEFAULT_BUDGET unless BUDGETS names it.

Counts are taken with a cold cache (a fresh key prefix per request): a page that caches what it reads is bounded
by what it costs on a miss. Under the test database each request also runs a SAVEPOINT and its RELEASE
(ATOMIC_REQUESTS inside the test's transaction): 2 of every count are those, not reads of the page."""

from __future__ import annotations

import logging
import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from analytics.models import SurveyResponse
from matching.models import Match
from mentorhub.accounts.models import Employee, Membership
from mentorhub.db.tenant_scope import all_organizations
from programs.models import Participant
from sessions.models import Goal, MentoringSession, Notification

from ..security.calls import rolled_back, send
from ..security.role_matrix import CALLERS, TABLE, THIRD_PARTY_PREFIXES
from ..security.test_role_matrix import url_of
from ..security.world import World, build_world
from .data import grow

pytestmark = pytest.mark.django_db

# Queries a page may make, for whoever reads it (cold cache, the 2 savepoint statements included).
DEFAULT_BUDGET = 10
BUDGETS: dict[str, int] = {
    # One query per table of personal data the registry lists (mentorhub/accounts/privacy/): ~41 tables, not
    # rows; a download asked for now and then, not a page read all day. (Teams and Slack: +2 each; sessions'
    # attendance confirmations: +1.)
    "/o/<org_slug>/my-data/export.json": 52,
    "/o/<org_slug>/my-data/export.html": 52,
    "/o/<org_slug>/people/<employee_pk>/export.json": 53,
    "/o/<org_slug>/people/<employee_pk>/export.html": 53,
    # Find a time: the match and its members, then everyone's windows, away dates and sessions ahead (one query
    # each, whatever the match's size).
    # (+1: the busy times of people's own published calendars, sessions/selectors/calendar_feeds.py.)
    "/o/<org_slug>/mentoring/matches/<match_pk>/find-a-time/": 12,
    # Dashboards: the report's figures from the roll-up's facts and daily figures (analytics/reports/).
    # (+1: the pairing-fit answers of the matches in scope, read live.)
    "/o/<org_slug>/analytics/health/": 25,
    "/api/v1/o/<org_slug>/analytics/health/": 22,
    # + 1: skills growth, the mentees' own ratings (analytics/reports/impact_skills.py).
    "/o/<org_slug>/analytics/impact/": 20,
    "/api/v1/o/<org_slug>/analytics/impact/": 19,
    # The participant's home: matches, people, sessions ahead and to log, goals, check-ins and fit questions owed.
    "/o/<org_slug>/mentoring/": 17,
    # Re-pairing a proposed match loads the cohort's profiles to score the alternatives (matching/profiles.py).
    "/o/<org_slug>/programs/<program_pk>/matching/matches/<match_pk>/edit/": 15,
    "/o/<org_slug>/programs/<program_pk>/surveys/": 14,
    "/api/v1/o/<org_slug>/programs/<program_pk>/surveys/": 13,
    "/o/<org_slug>/mentoring/milestones/<milestone_pk>/delete/": 13,
    "/o/<org_slug>/programs/<program_pk>/edit/": 12,
    # + the re-matches that declines of the run's matches started (matching/selectors.py: one query, two with any).
    "/o/<org_slug>/programs/<program_pk>/matching/runs/<run_pk>/": 13,
    # The HR admin's home: + what needs them now, one query per kind whatever the pile (applications, runs to
    # review, matches at risk, surveys closing: mentorhub/accounts/extensions.py), so 4 more than a member's.
    "/o/<org_slug>/": 13,
    "/o/<org_slug>/audit/": 11,
    "/o/<org_slug>/groups/<group_pk>/": 11,
    # The links of higher apps' own notice settings (sessions/extensions.py, preference links): one query each,
    # whether the organization has the Slack app ("My Slack messages").
    "/o/<org_slug>/notifications/preferences/": 12,
    "/o/<org_slug>/programs/<program_pk>/": 11,
    "/o/<org_slug>/programs/<program_pk>/invite/": 11,
    "/o/<org_slug>/programs/<program_pk>/mentoring/": 12,  # + the pairing-fit concerns (one query)
    "/o/<org_slug>/mentoring/goals/<goal_pk>/": 12,  # + the page cache stamp (sessions/page_cache.py)
    "/o/<org_slug>/mentoring/goals/<goal_pk>/edit/": 12,
    "/o/<org_slug>/mentoring/goals/<goal_pk>/delete/": 12,
    # + the page cache stamp on a miss (1 query on a hit), the agreement and the viewer's own fit answer.
    "/o/<org_slug>/mentoring/matches/<match_pk>/": 14,
    # The mentoring record: places in matches, sessions held, goals, milestones (sessions/selectors/record.py),
    # the person's links and their manager's name.
    "/o/<org_slug>/mentoring/record/": 12,
    # A shared record: the link by its hash, the person's access, the view counted and audited, then the record.
    # (+1: the person's own skills self-ratings, analytics/record_skills.py.)
    "/record/<token>/": 13,
    "/record/<token>/record.pdf": 13,
}

# Routes of the matrix that are no page of the organization's data.
NOT_MEASURED = {
    "/api/schema/": "the OpenAPI document: no data, ~1 s of CPU to generate",
    "/api/docs/": "the page that loads the OpenAPI document",
}
# The member's pages that are the member's alone (their enrollment, notice, survey, suggestions): the mentor
# gets 404.
NOT_THE_MENTORS = {
    "/o/<org_slug>/enrollments/<participant_pk>/edit/",
    "/o/<org_slug>/enrollments/<participant_pk>/withdraw/",
    "/o/<org_slug>/enrollments/<participant_pk>/skills/",
    "/o/<org_slug>/notifications/<notification_pk>/",
    "/o/<org_slug>/mentoring/record/links/<share_pk>/revoke/",
    "/o/<org_slug>/programs/<program_pk>/suggestions/",
    "/o/<org_slug>/surveys/<assignment_pk>/",
    "/api/v1/o/<org_slug>/programs/<program_pk>/participants/<participant_pk>/",
    "/api/v1/o/<org_slug>/programs/<program_pk>/suggestions/",
    "/api/v1/o/<org_slug>/surveys/assignments/<assignment_pk>/",
    # The member's own flash booking and own office hour (the mentor is the host of another slot).
    "/o/<org_slug>/mentoring/flash/slots/<slot_pk>/cancel/",
    "/o/<org_slug>/mentoring/flash/bookings/<booking_pk>/cancel/",
    "/o/<org_slug>/mentoring/flash/bookings/<booking_pk>/rate/",
    "/o/<org_slug>/mentoring/flash/bookings/<booking_pk>/invite.ics",
}
ORGANIZATION_PREFIXES = ("/o/", "/api/v1/o/", "/scim/")
LET_THROUGH = ("200", "2xx/3xx")


def _readers(pattern: str, answers: list[str]) -> list[str]:
    readers = [c for c in ("admin", "stakeholder", "member", "anonymous") if answers[CALLERS.index(c)] in LET_THROUGH]
    if not pattern.startswith(ORGANIZATION_PREFIXES):
        return readers[-1:]  # a secret link answers everyone alike: one caller is enough
    if "member" in readers and pattern not in NOT_THE_MENTORS:
        readers.append("mentor")
    return readers


CELLS = [
    (pattern, caller)
    for pattern, row in TABLE.items()
    if "GET" in row and not pattern.startswith(THIRD_PARTY_PREFIXES) and pattern not in NOT_MEASURED
    for caller in _readers(pattern, row["GET"].split())
]


def budget(pattern: str) -> int:
    return BUDGETS.get(pattern, DEFAULT_BUDGET)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The role matrix's world with `grow` applied once (a few rows in every list), and the mentor signed in."""
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), transaction.atomic():
        with all_organizations():
            built = build_world()
            grow(built, steps=3, tag="a")
            client = Client()
            client.force_login(Membership.objects.get(user__email="mentor@alpha.test").user)
            built.sessions["mentor"] = client.session.session_key
        for caller in ("admin", "mentor"):  # a process's first request loads what every later one reuses
            with rolled_back():
                send(built, caller, "GET", url_of(built, "/o/<org_slug>/"))
        yield built
        transaction.set_rollback(True)
    request_log.setLevel(level)


@contextmanager
def cold_cache():
    """A cache no request has written to (a fresh key prefix: clearing a shared Redis would flush the keys of
    other test processes)."""
    fresh = f"-q{uuid.uuid4().hex[:12]}"
    caches = {
        alias: {**config, "KEY_PREFIX": config.get("KEY_PREFIX", "") + fresh}
        for alias, config in settings.CACHES.items()
    }
    with override_settings(CACHES=caches):
        yield


def measured(world: World, caller: str, url: str, limit: int, assert_max_queries) -> tuple[int, int]:
    """(status, queries) of the caller's GET of `url`, failing past `limit`. Rolled back afterwards, so a page
    that writes (a feed's last fetch) leaves the world as it was."""
    with rolled_back(), cold_cache(), assert_max_queries(limit, info=f"{caller}: GET {url}") as captured:
        response = send(world, caller, "GET", url)
        if response.streaming:  # read in full: a streamed body queries as it goes
            b"".join(response.streaming_content)
    return response.status_code, len(captured)


@pytest.mark.parametrize(("pattern", "caller"), CELLS, ids=[f"{c} {p}" for p, c in CELLS])
def test_page_stays_within_its_query_budget(world, pattern, caller, django_assert_max_num_queries):
    url = url_of(world, pattern)
    status, _ = measured(world, caller, url, budget(pattern), django_assert_max_num_queries)
    assert status < 400, f"{caller}: GET {url} answered {status}: the measure is of an error page"


def _sizes() -> dict[str, int]:
    kinds = (Employee, Participant, Match, MentoringSession, Goal, Notification, SurveyResponse)
    return {kind.__name__: kind.objects.filter(organization__slug="alpha").count() for kind in kinds}


# One growth test per caller: the cells spread over the suite's workers.
@pytest.mark.parametrize("caller", sorted({caller for _, caller in CELLS}))
def test_no_page_queries_more_when_the_data_doubles(world, caller, django_assert_max_num_queries):
    """The caller's cells once, then again once `grow` has doubled each kind of row the pages list: the second
    count may not be higher (a query per row shows as growth). Every cell is measured before the test fails."""
    urls = {pattern: url_of(world, pattern) for pattern, reader in CELLS if reader == caller}
    before = {p: measured(world, caller, url, budget(p), django_assert_max_num_queries)[1] for p, url in urls.items()}
    sizes = _sizes()
    grow(world, steps=5, tag="b")
    doubled = _sizes()
    assert all(doubled[kind] >= 2 * sizes[kind] for kind in sizes), f"not doubled: {sizes} -> {doubled}"

    grew = []
    for pattern, url in urls.items():
        try:
            status, _ = measured(world, caller, url, before[pattern], django_assert_max_num_queries)
        except pytest.fail.Exception as failure:
            grew.append(str(failure))
        else:
            assert status < 400, f"{caller}: GET {url} answered {status} with twice the data"
    assert not grew, "Pages whose query count grows with the data (a query per row):\n\n" + "\n\n".join(grew)


def test_budgets_and_exceptions_name_routes_of_the_matrix():
    measured_routes = {pattern for pattern, _ in CELLS}
    stale = sorted((set(BUDGETS) | NOT_THE_MENTORS) - measured_routes) + sorted(set(NOT_MEASURED) - set(TABLE))
    assert not stale, "Budgets or exceptions for routes that are not measured (or no longer exist):\n" + "\n".join(
        stale
    )
