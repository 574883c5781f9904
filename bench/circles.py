"""Circles at scale (issue 16): a group program of 10,000 members and 1,250 facilitators (capacity 8, circles
of 5 to 8) from bench/matching.py's synthetic cohort, through the steps a MatchRun takes for a group
program: member x facilitator scores, member x member fit, then circles.form_circles. Prints the time of each
step (wall, and the process's CPU beside it), peak memory, and the quality checks of tests/matching
(facilitator fit, peer fit, department mix, no member twice, sizes within bounds), then a second round
with the first round's pairs as previous pairs (none may repeat).

    .venv/bin/python bench/circles.py                  # 10,000 members
    .venv/bin/python bench/circles.py --members 2000   # another size (facilitators: members / 8)

Target: 10,000 members form circles in under a minute (wall time; on a busy machine compare the CPU time).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import circles, scoring  # noqa: E402  (after the path set-up)

TARGET_SECONDS = 60.0
MIN_SIZE, MAX_SIZE, CAPACITY = 5, 8, 8


def _matching_bench():
    """bench/matching.py as a module (its synthetic cohort and questions)."""
    spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "bench" / "matching.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_matching"] = module
    spec.loader.exec_module(module)
    return module


def main(members: int) -> None:
    bench = _matching_bench()
    facilitators = max(1, members // CAPACITY)
    cohort = bench.synthetic_cohort(members, facilitators)
    criteria = scoring.criteria_for("group", bench.QUESTIONS)
    options = {"program_kind": "group", "max_tz_gap_hours": bench.MAX_TZ_GAP_HOURS, "now": bench.NOW}
    departments = [p.department for p in cohort.mentees]
    print(f"# Circles: {members:,} members, {facilitators:,} facilitators of capacity {CAPACITY}, circles of")
    print(f"# {MIN_SIZE}-{MAX_SIZE}; machine {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    steps: dict[str, tuple[float, float]] = {}

    def timed(name, action):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        steps[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    scores = timed(
        "scores",
        lambda: scoring.score_matrix(cohort.mentees, cohort.mentors, criteria, excluded=cohort.excluded, **options),
    )
    peer = timed("peer fit", lambda: scoring.peer_matrix(cohort.mentees, criteria, **options))
    capacity = np.full(facilitators, CAPACITY, np.int64)
    result = timed(
        "circles",
        lambda: circles.form_circles(scores, peer, departments, capacity, min_size=MIN_SIZE, max_size=MAX_SIZE),
    )
    total_wall = sum(wall for wall, _ in steps.values())
    total_cpu = sum(cpu for _, cpu in steps.values())
    for name, (wall, cpu) in steps.items():
        print(f"{name:<9} {wall:7.1f} s wall  (CPU {cpu:.1f} s)")
    print(f"{'whole':<9} {total_wall:7.1f} s wall  (CPU {total_cpu:.1f} s), peak memory {_peak_gb():.2f} GB")

    seated = [i for _, group in result for i in group]
    sizes = [len(group) for _, group in result]
    fit = [scores[i, f] for f, group in result for i in group]
    peers = [peer[a, b] for _, group in result for a, b in itertools.combinations(group, 2)]
    mixed = sum(len({departments[i] for i in group}) >= 2 for _, group in result)
    print(f"circles   {len(result):,}, sizes {min(sizes, default=0)}-{max(sizes, default=0)}")
    print(f"seated    {len(seated):,} of {members:,}, each once: {len(seated) == len(set(seated))}")
    print(f"fit       facilitator mean {np.nanmean(fit):.3f}, peer mean {np.nanmean(peers):.3f}")
    print(f"            (random circles: facilitator {np.nanmean(scores):.3f}, peer {np.nanmean(peer):.3f})")
    print(f"mix       {mixed:,} of {len(result):,} circles with two or more departments")
    # A second round (the program's next cohort of circles) must not seat any earlier pair together again.
    before = {(a, b) for _, group in result for a, b in itertools.combinations(group, 2)}
    wall, cpu = time.perf_counter(), time.process_time()
    again = circles.form_circles(
        scores, peer, departments, capacity, min_size=MIN_SIZE, max_size=MAX_SIZE, previous_pairs=before
    )
    repeated = {(a, b) for _, group in again for a, b in itertools.combinations(group, 2)} & before
    seated_again = sum(len(group) for _, group in again)
    print(
        f"round 2   {time.perf_counter() - wall:.1f} s wall (CPU {time.process_time() - cpu:.1f} s): "
        f"{seated_again:,} seated, {len(repeated)} pairs repeated from round 1"
    )
    ok = not repeated and (
        total_wall < TARGET_SECONDS
        and len(seated) == len(set(seated))
        and all(MIN_SIZE <= size <= MAX_SIZE for size in sizes)
        and not any(np.isnan(fit))
    )
    print(f"target    whole run under {TARGET_SECONDS:g} s with valid circles: {'PASS' if ok else 'FAIL'}")


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    main(parser.parse_args().members)
