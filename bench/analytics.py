"""Analytics benchmark on PostgreSQL (issue 6): one large organization, its roll-up and its dashboards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_analytics .venv/bin/python bench/analytics.py

It (re)creates the database DATABASE_URL names (default `mh_bench_analytics`; bench/_db.py drops only a
benchmark's), migrates it and
fills it (not timed; COPY for the big tables): one organization with 50,000 employees (departments, levels,
tenures; about 15 % left in the last two years and 8 % a year promoted, with their employment events), six
programs over two years (one-to-one, reverse, group circles; four closed, two running), 20,000 participants,
10,000 matches (completed, ended early, active), 1,000,000 sessions spread over the matches' lives (held,
cancelled, missed, a few ahead), ratings on about half the held sessions, goals with milestones, inactivity
nudges, check-ins every 30 days and closing surveys (about 80 % answered), and self-identification for 60 % of
the roster. A million sessions for ten thousand matches is about one every two days: denser than real life,
on purpose (the roll-up's work grows with sessions).

Then it measures:
1. `rollup_organization` (the nightly and on-demand recompute): wall time and its stages. Target: under 60 s.
2. The program-health page and the impact report as served (Django's test client, a signed-in HR admin,
   the real URL routes): one cold request (right after the roll-up: the report is built), then 20 warm ones
   (the report comes from the cache, keyed by the roll-up's version); median and p95. Target: p95 under
   300 ms. Also the reports built without the cache (what the first visitor after a roll-up waits for).
3. The reference, in the same run: the same headline figures (funnel counts, sessions per match per month,
   check-in average, goal completion, 12-month retention of participants and of everyone else) computed by
   plain ORM aggregation over the raw tables (no roll-up tables), timed the same way; and the ratio.

The cache is the local-memory one of this process (REDIS_URL is ignored): the warm figures are Django's own
work, not the network's. The database is left for inspection; the next run drops it.

The data is made by bench/_analytics_data.py. BENCH_SCALE multiplies every count (e.g. 0.1 for a quick try).
"""

from __future__ import annotations

import cProfile
import math
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _analytics_data import seed  # noqa: E402 - beside this script
from _db import database_name, database_url, recreate_database  # noqa: E402 - beside this script

BENCH_DB = "mh_bench_analytics"  # unless DATABASE_URL names a database
ROLLUP_TARGET_S = 60
PAGE_TARGET_MS = 300
WARM = 20


# --- Measuring ---------------------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def series(fn: Callable[[], object], budget_s: float = 600) -> tuple[float, float, float, int]:
    """(cold, median warm, p95 warm) in milliseconds and the number of warm calls: one call, then WARM more,
    or as many as `budget_s` seconds allow (at least one) when each call takes long."""
    cold, _ = timed(fn)
    warm, spent = [], 0.0
    while len(warm) < WARM and (not warm or spent + cold < budget_s):
        seconds, _ = timed(fn)
        warm.append(seconds)
        spent += seconds
    warm.sort()
    p95 = warm[math.ceil(0.95 * len(warm)) - 1]
    return 1000 * cold, 1000 * statistics.median(warm), 1000 * p95, len(warm)


def reference_figures(org, now: datetime) -> dict:
    """The headline figures straight from the raw tables with the ORM: what the dashboards would cost without
    the roll-up tables."""
    from django.db.models import Avg, Count, Exists, F, Func, IntegerField, Min, OuterRef, Q, Value
    from django.db.models.functions import Cast, TruncDate

    from analytics.models import SurveyQuestion, SurveyResponse
    from matching.models import Match, MatchMember
    from mentorhub.accounts.models import Employee
    from programs.models import Participant
    from sessions.models import Goal, MentoringSession

    started = ["active", "completed", "ended"]
    today = now.date()
    current = Q(left_on__isnull=True) | Q(left_on__gt=today)
    figures: dict = {"eligible": Employee.objects.filter(organization=org).filter(current).count()}
    mentees = Participant.objects.filter(organization=org, role="mentee")
    figures["enrolled"] = mentees.count()
    in_match = MatchMember.objects.filter(organization=org, participant=OuterRef("pk"), match__status__in=started)
    figures["matched"] = mentees.filter(Exists(in_match)).count()
    held = MentoringSession.objects.filter(organization=org, match=OuterRef("match_id"), status="held")
    first = MatchMember.objects.filter(organization=org, participant=OuterRef("pk"), match__status__in=started).filter(
        Exists(held)
    )
    figures["first session"] = mentees.filter(Exists(first)).count()
    lasted = in_match.filter(match__started_at__lte=now - timedelta(days=90)).filter(
        Q(match__ended_at__isnull=True) | Q(match__ended_at__gte=F("match__started_at") + timedelta(days=90))
    )
    figures["active at 90 days"] = mentees.filter(Exists(lasted)).count()
    figures["completed"] = mentees.filter(Exists(in_match.filter(match__status="completed"))).count()
    # Sessions held per match and month of activity.
    rows = (
        Match.objects.filter(organization=org, status__in=started)
        .annotate(held=Count("sessions", filter=Q(sessions__status="held")))
        .values_list("held", "started_at", "ended_at")
    )
    rates = [h / max(1.0, ((e or now) - s).total_seconds() / 86400 / 30.44) for h, s, e in rows]
    figures["sessions per match per month"] = round(sum(rates) / len(rates), 2)
    # Check-in average: the "how is it going" answer of each program's check-in, read out of the JSON.
    total = count = 0
    for question_id, survey_id in SurveyQuestion.objects.filter(
        organization=org, code="going_well", survey__kind="checkin"
    ).values_list("pk", "survey_id"):
        result = SurveyResponse.objects.filter(organization=org, survey_id=survey_id).aggregate(
            # jsonb_extract_path_text, not KeyTextTransform: a key of digits would be read as an array index.
            n=Count("id"),
            avg=Avg(
                Cast(Func(F("answers"), Value(str(question_id)), function="jsonb_extract_path_text"), IntegerField())
            ),
        )
        total += (result["avg"] or 0) * result["n"]
        count += result["n"]
    figures["check-in average"] = round(total / count, 2) if count else None
    goals = Goal.objects.filter(organization=org, match__isnull=False).aggregate(
        n=Count("id"), done=Count("id", filter=Q(status="done"))
    )
    figures["goal completion %"] = round(100 * goals["done"] / goals["n"], 1)
    # Retention over a year: participants from the start of their first match; everyone else from a day.
    year = timedelta(days=365)
    participants = (
        Employee.objects.filter(organization=org)
        .annotate(
            index=Min(
                "participations__match_memberships__match__started_at",
                filter=Q(participations__match_memberships__match__status__in=started),
            )
        )
        .filter(index__lte=now - year)
        .annotate(day=TruncDate("index"))
        .aggregate(
            n=Count("id"),
            stayed=Count("id", filter=Q(left_on__isnull=True) | Q(left_on__gt=F("day") + year)),
        )
    )
    never = (
        Employee.objects.filter(organization=org)
        .exclude(Exists(Participant.objects.filter(employee=OuterRef("pk"))))
        .filter(hired_on__lte=today - 2 * year)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today - 2 * year))
        .aggregate(n=Count("id"), stayed=Count("id", filter=Q(left_on__isnull=True) | Q(left_on__gt=today - year)))
    )
    figures["retained % (participants)"] = round(100 * participants["stayed"] / max(1, participants["n"]), 1)
    figures["retained % (others)"] = round(100 * never["stayed"] / max(1, never["n"]), 1)
    return figures


def main() -> None:
    os.environ["DATABASE_URL"] = recreate_database(database_url(BENCH_DB))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_ENV_FILE"] = ""
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.pop("REDIS_URL", None)
    os.environ["EMBEDDED_SCHEDULER"] = "false"  # no beat ticks inside the measurements (the test client is a web)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from analytics.reports.health import HealthFilters, build_health_report
    from analytics.reports.impact import ImpactFilters, build_impact_report
    from analytics.services.rollups import rollup_organization

    call_command("migrate", verbosity=0)
    now = timezone.now()
    rng = random.Random(6)  # reproducible data
    started = time.perf_counter()
    org, admin, stakeholder, counts = seed(rng, now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, long before a nightly roll-up
    seeded = time.perf_counter() - started
    version = connection.cursor().connection.server_version
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    database = database_name(os.environ["DATABASE_URL"])
    print(
        f"MentorHub analytics benchmark: PostgreSQL {version // 10000}.{version % 100}, database {database}, "
        f"{os.cpu_count()} CPUs, load average at start {load}"
    )
    print("seeded in " + f"{seeded:.0f} s (not timed below): " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

    # 1. The roll-up.
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    if profile:
        profile.enable()
    wall, summary = timed(lambda: rollup_organization(organization=org))
    if profile:
        profile.disable()
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.stages.items())
    print(
        f"roll-up: {wall:.1f} s wall for {summary.matches:,} match facts, {summary.participants:,} participant "
        f"facts, {summary.days:,} program-days ({stages})"
    )
    print(f"  {'meets' if wall < ROLLUP_TARGET_S else 'MISSES'} the target of {ROLLUP_TARGET_S} s")
    if profile:
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(25)

    # 2. The pages, as served to a signed-in HR admin (the first request builds the report, the others find
    # it in the cache; the admin's health page also lists every match at risk), then to a stakeholder (counts
    # only); and the reports built without the cache.
    pages = {
        "program health": reverse("program-health", kwargs={"org_slug": org.slug}),
        "impact report": reverse("impact-report", kwargs={"org_slug": org.slug}),
    }
    served = {}
    for who, user in (("HR admin", admin), ("stakeholder", stakeholder)):
        client = Client()
        client.force_login(user)
        for label, path in pages.items():

            def get(path=path, label=label, client=client):
                response = client.get(path)
                if response.status_code != 200:
                    sys.exit(f"{label}: {path} answered {response.status_code}")
                return response

            served[who, label] = series(get)
            with CaptureQueriesContext(connection) as queries:
                size = len(get().content)
            cold, median, p95, runs = served[who, label]
            verdict = "meets" if p95 < PAGE_TARGET_MS else "MISSES"
            print(
                f"{label} page for the {who} ({path}, {size / 1000:,.0f} kB): cold {cold:,.0f} ms, warm median "
                f"{median:.0f} ms, p95 {p95:.0f} ms over {runs} requests ({len(queries)} queries when warm): "
                f"{verdict} the p95 target of {PAGE_TARGET_MS} ms"
            )
    built = {
        "program health": series(lambda: build_health_report(organization=org, filters=HealthFilters()), 60),
        "impact report": series(lambda: build_impact_report(organization=org, filters=ImpactFilters()), 60),
    }
    for label, (cold, median, p95, runs) in built.items():
        print(
            f"{label} built without the cache (what the first visitor after a roll-up waits for): first "
            f"{cold:,.0f} ms, then median {median:,.0f} ms, p95 {p95:,.0f} ms over {runs} builds"
        )
    report = build_health_report(organization=org, filters=HealthFilters())
    impact = build_impact_report(organization=org, filters=ImpactFilters())
    funnel = ", ".join(f"{stage.label} {stage.people.text()}" for stage in report.funnel)
    print(
        f"  health: {funnel}; sessions/month {report.sessions_per_month.text()}, check-in "
        f"{report.checkin_average.text()}, goals done {report.goal_completion.text()} %"
    )
    if impact.retention:
        print(
            f"  impact: {impact.compared.text()} participants compared with {impact.comparison.text()} colleagues; "
            f"retained at {impact.retention.horizon_months} months {impact.retention.participants.value[0]} % vs "
            f"{impact.retention.comparison.value[0]} %"
        )

    # 3. The reference: the same headline figures by plain ORM aggregation over the raw tables.
    cache.clear()
    cold, median, p95, _runs = series(lambda: reference_figures(org, now))
    figures = reference_figures(org, now)
    print(
        f"reference (plain ORM over the raw tables, no roll-up): median {median:,.0f} ms, p95 {p95:,.0f} ms "
        f"(first {cold:,.0f} ms): " + ", ".join(f"{k} {v}" for k, v in figures.items())
    )
    page, uncached = served["HR admin", "program health"][1], built["program health"][1]
    print(
        f"ratio: the reference takes {median / page:.1f}x the program-health page's warm median ({median:,.0f} ms "
        f"vs {page:.0f} ms, served from the cache) and {median / uncached:.1f}x the health report built from the "
        f"roll-up tables without the cache ({uncached:,.0f} ms: it computes much more, trends and departments)"
    )


if __name__ == "__main__":
    main()
