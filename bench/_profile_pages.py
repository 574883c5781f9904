"""Where a page's time goes: CPU milliseconds per request of bench/load.py's pages, and a cProfile of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_load REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/_profile_pages.py [--rounds 30] [--top 25] [--only home]

Run it after bench/load.py (it reads that database as it was left: the demo and the load test's people). It
serves the pages in this process through Django's test client with the web process's settings (production,
DEBUG off, Redis cache, the application role under row-level security), so no network or other process is
measured: the CPU time (process time) per request is this process's own, and on a busy machine it is steadier
than wall-clock latency. With --profile, prints the functions with the most cumulative time for each page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", action="append", help="substring of the page names to run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each page")
    parser.add_argument("--calls", action="store_true", help="Python function calls per request (steady)")
    parser.add_argument("--queries", action="store_true", help="print the number of queries of each page")
    parser.add_argument("--sql", action="store_true", help="with --queries: the three slowest queries of each page")
    args = parser.parse_args()

    from _db import database_url

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
            "DJANGO_ENV": "production",
            "DJANGO_ENV_FILE": "",
            "DJANGO_SECRET_KEY": "bench-profile-not-a-secret",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url("mh_bench_load"),
            "DATABASE_ASSUME_ROLE": "mentorhub_app",
            "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            "CACHE_KEY_PREFIX": f"mh-bench-profile-{os.getpid()}",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_URL": "dummymail://",
            "STATIC_ROOT": "/tmp/mh-bench-profile-static",  # noqa: S108 - a scratch folder for the manifest
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    pages = _pages()
    for name, client, method, path, data, headers in pages:
        if args.only and not any(part in name for part in args.only):
            continue
        _measure(name, client, method, path, data, headers, args)


def _pages() -> list:
    from django.db import connection
    from django.test import Client

    from matching.models import Match, MatchMember
    from mentorhub.accounts.models import ApiToken, Membership, Role
    from mentorhub.accounts.services.tokens import api_token_create
    from mentorhub.db.tenant_scope import all_organizations
    from sessions.models import Goal, Milestone

    with all_organizations():
        mentee = (
            MatchMember.objects.filter(
                current=True, role=MatchMember.Role.MENTEE, match__status=Match.Status.ACTIVE, match__kind="pair"
            )
            .select_related("participant__employee", "match")
            .order_by("match_id")
            .first()
        )
        assert mentee is not None, "run bench/load.py first: it seeds the database"
        member = Membership.objects.select_related("user", "organization").get(employee=mentee.participant.employee)
        admin = Membership.objects.select_related("user", "organization").filter(role=Role.ADMIN).first()
        stakeholder = Membership.objects.select_related("user").filter(role=Role.STAKEHOLDER).first()
        goal = Goal.objects.filter(match_id=mentee.match_id).first()
        milestone = Milestone.objects.filter(goal=goal).first()
        org = member.organization
        program = mentee.match.program_id
        ApiToken.objects.filter(name="profile").delete()
        _t, token = api_token_create(organization=org, actor=member.user, membership=member, name="profile")
        _t, admin_token = api_token_create(organization=org, actor=admin.user, membership=admin, name="profile")
    connection.close()

    def client_for(membership) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(membership.user)
        return client

    m, a, s = client_for(member), client_for(admin), client_for(stakeholder)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    api_admin = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    o = f"/o/{org.slug}"
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("ceiling /healthz", m, "get", "/healthz", None, {}),
        ("ceiling sign-in page", Client(HTTP_HOST="127.0.0.1"), "get", "/accounts/login/", None, {}),
        ("home (my mentoring)", m, "get", f"{o}/mentoring/", None, {}),
        ("organization home (member)", m, "get", f"{o}/", None, {}),
        ("match", m, "get", f"{o}/mentoring/matches/{mentee.match_id}/", None, {}),
        ("goal", m, "get", f"{o}/mentoring/goals/{goal.pk}/", None, {}),
        ("notifications", m, "get", f"{o}/notifications/", None, {}),
        ("my matches", m, "get", f"{o}/matches/", None, {}),
        ("tick milestone", m, "post", f"{o}/mentoring/milestones/{milestone.pk}/toggle/", {"done": "1"}, htmx),
        ("api goals", api, "get", f"/api/v1/o/{org.slug}/mentoring/goals/", None, {}),
        ("api notifications", api, "get", f"/api/v1/o/{org.slug}/notifications/", None, {}),
        ("api my matches", api, "get", f"/api/v1/o/{org.slug}/matches/", None, {}),
        ("admin org home", a, "get", f"{o}/", None, {}),
        ("admin people", a, "get", f"{o}/people/", None, {}),
        ("admin programs", a, "get", f"{o}/programs/", None, {}),
        ("admin program", a, "get", f"{o}/programs/{program}/", None, {}),
        ("admin program mentoring", a, "get", f"{o}/programs/{program}/mentoring/", None, {}),
        ("admin members", a, "get", f"{o}/members/", None, {}),
        ("admin audit", a, "get", f"{o}/audit/", None, {}),
        ("dashboard health", s, "get", f"{o}/analytics/health/", None, {}),
        ("dashboard impact", s, "get", f"{o}/analytics/impact/", None, {}),
        ("api employees", api_admin, "get", f"/api/v1/o/{org.slug}/employees/", None, {}),
        ("api programs", api_admin, "get", f"/api/v1/o/{org.slug}/programs/", None, {}),
        ("api participants", api_admin, "get", f"/api/v1/o/{org.slug}/programs/{program}/participants/", None, {}),
        ("api health", api_admin, "get", f"/api/v1/o/{org.slug}/analytics/health/", None, {}),
    ]


def _measure(name, client, method, path, data, headers, args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once():
        response = getattr(client, method)(path, data, **headers) if data else getattr(client, method)(path, **headers)
        assert response.status_code == 200, f"{name}: {path} answered {response.status_code}"
        return response

    for _ in range(3):
        once()
    started, wall = time.process_time(), time.perf_counter()
    for _ in range(args.rounds):
        once()
    cpu_ms = 1000 * (time.process_time() - started) / args.rounds
    wall_ms = 1000 * (time.perf_counter() - wall) / args.rounds
    queries = ""
    if args.queries:
        with CaptureQueriesContext(connection) as captured:
            once()
        queries = f"  {len(captured.captured_queries):3d} queries"
        if args.sql:
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                queries += f"\n      {float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}"
    calls = ""
    if args.calls:  # Python function calls per request: a proxy for CPU that a busy machine does not blur
        counter = cProfile.Profile()
        counter.enable()
        once()
        counter.disable()
        calls = f"  {pstats.Stats(counter).total_calls:7d} calls"  # type: ignore[attr-defined]
    print(f"{name:<32} CPU {cpu_ms:6.1f} ms  wall {wall_ms:6.1f} ms{calls}{queries}", flush=True)
    if args.profile:
        profile = cProfile.Profile(time.process_time)  # CPU time: waits on the database are not this process's
        profile.enable()
        for _ in range(args.rounds):
            once()
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
