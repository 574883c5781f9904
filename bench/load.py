"""Load test: the realistic mix of pages and API calls against a real web server, beside a trivial ceiling.

    make bench-load                      # PostgreSQL + Redis + gunicorn, about 2.5 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_load REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/load.py [--workers 3] [--worker-class sync] [--threads 1] [--seconds 40]
    .venv/bin/python bench/load.py --embedded   # `make run`'s embedded default: SQLite, scheduler thread on

It seeds its own database (the one DATABASE_URL names, default mh_bench_load: bench/_db.py drops only a
benchmark's), signs people in (bench/_load_prepare.py), starts gunicorn on a free loopback port with production
settings (bench/_load_server.py) and drives it with locust, headless, in this process (bench/_load_mix.py):

  1. ceiling: the trivial endpoint alone (/healthz when the deployment has it, else the sign-in page), N users
     without think time: the most requests per second these processes serve on this machine;
  2. mix peak: the realistic mix, N users without think time (a closed loop: each user sends its next request
     when the last one answered), so the server is saturated: the mix's peak throughput;
  3. mix at N users with think time (0.5-1.5 s between a user's requests, people reading pages): latency
     percentiles under a realistic load, per endpoint and overall, and errors;
  4. signed-in floor: the cheapest signed-in page alone, N users without think time: its ratio to the ceiling
     bounds what any mix of signed-in pages can reach (every such request reads the session, the user and the
     membership under row-level security before its page does anything).

It prints requests/s, p50/p95/p99 per endpoint and overall, errors, the server's CPU milliseconds per request and
the ratio mix peak / ceiling. Targets (issue 13): ratio >= 0.5, p95 <= 100 ms at 50 users, 0 errors. The load
generator shares the machine with the server: both are measured in the same run, so the ratio compares like
with like, while absolute figures depend on the machine and on whatever else runs on it (the load average at
start is printed).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import gevent
import locust  # noqa: F401 - first: it patches the standard library for gevent before anything opens sockets
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_mix as mix
from _db import database_url
from _load_report import PhaseResult, print_phase, print_summary, signin_check
from _load_server import Target, server_log_problems, start_embedded, start_postgresql

THINK = (0.5, 1.5)
PHASES = ["ceiling", "peak", "latency", "floor"]


@dataclass
class Options:
    users: int
    seconds: float
    warmup: float
    embedded: bool


def run_phase(target: Target, title: str, classes: list, options: Options, seconds: float) -> PhaseResult:
    """Start `options.users` users of `classes`, let them warm up, then measure `seconds` of traffic."""
    environment = Environment(user_classes=classes, host=target.base_url, stop_timeout=10)
    runner = environment.create_local_runner()
    runner.start(options.users, spawn_rate=options.users)
    gevent.sleep(options.warmup)
    environment.stats.reset_all()
    cpu_before, own_before, started = target.cpu_seconds(), _own_cpu(), time.monotonic()
    gevent.sleep(seconds)
    result = PhaseResult.from_stats(
        title,
        environment.stats,
        users=options.users,
        elapsed=time.monotonic() - started,
        server_cpu=target.cpu_seconds() - cpu_before,
        loadgen_cpu=_own_cpu() - own_before,
    )
    runner.quit()
    # An exception inside a user (not an HTTP error) is an error of the run too, never silently skipped.
    for problem in runner.exceptions.values():
        result.errors.append((problem["count"], "load generator", problem["msg"]))
        result.total.failures += problem["count"]
    return result


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ceiling_path(target: Target) -> str:
    """/healthz when this deployment has it (it does no work at all), else the sign-in page."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{target.base_url}/healthz", timeout=5) as response:  # noqa: S310
            if response.status == 200:
                return "/healthz"
    except (urllib.error.URLError, OSError):
        pass
    return "/accounts/login/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent users in every phase (default 50)")
    parser.add_argument("--seconds", type=float, default=40, help="measured seconds of each mix phase (default 40)")
    parser.add_argument("--ceiling-seconds", type=float, default=20, help="measured seconds of the ceiling")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of traffic before each measurement")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    parser.add_argument(
        "--ceiling", help="the trivial endpoint (default: /healthz when it answers, else /accounts/login/)"
    )
    parser.add_argument("--embedded", action="store_true", help="run against `make run`'s embedded default")
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep the database if it exists (migrate, no re-seed)"
    )
    parser.add_argument("--only", choices=PHASES, action="append", help="phases to run (default: all)")
    args = parser.parse_args()
    options = Options(users=args.users, seconds=args.seconds, warmup=args.warmup, embedded=args.embedded)
    phases = args.only or PHASES

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"MentorHub load test: {os.cpu_count()} CPUs, load average at start {load}", flush=True)
    setup_started = time.monotonic()
    if args.embedded:
        target = start_embedded()
    else:
        target = start_postgresql(
            database_url=database_url("mh_bench_load"),
            redis_url=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            reuse=args.reuse_database,
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
        )
    results: list[PhaseResult] = []
    try:
        counts = {kind: len(people) for kind, people in target.plan["people"].items()}
        print(f"Server: {target.description}", flush=True)
        print(f"People signed in for the load (sessions + API tokens): {counts}", flush=True)
        print(f"Sign-in form with the demo accounts: {signin_check(target.base_url)}", flush=True)
        print(f"Setup took {time.monotonic() - setup_started:.0f} s\n", flush=True)
        if "ceiling" in phases:
            mix.Ceiling.path = args.ceiling or ceiling_path(target)
            title = f"1. ceiling: GET {mix.Ceiling.path} alone, {options.users} users, no think time"
            results.append(run_phase(target, title, [mix.Ceiling], options, args.ceiling_seconds))
            print_phase(results[-1])
        if "peak" in phases:
            mix.configure(target.plan, think=None)
            title = f"2. mix peak: {options.users} users, no think time (closed loop, the server saturated)"
            results.append(run_phase(target, title, mix.MIX, options, options.seconds))
            print_phase(results[-1])
        if "latency" in phases:
            mix.configure(target.plan, think=THINK)
            title = f"3. mix at {options.users} users, {THINK[0]}-{THINK[1]} s think time between requests"
            results.append(run_phase(target, title, mix.MIX, options, options.seconds))
            print_phase(results[-1])
        if "floor" in phases:
            mix.configure(target.plan, think=None)
            title = f"4. signed-in floor: a mentee's organization home alone, {options.users} users, no think time"
            results.append(run_phase(target, title, [mix.Floor], options, args.ceiling_seconds))
            print_phase(results[-1])
        problems = server_log_problems(target)
    finally:
        target.stop()
    failed = print_summary(results, problems)
    sys.exit(1 if failed else 0)  # errors fail the run; targets missed are reported, not failed


if __name__ == "__main__":
    main()
