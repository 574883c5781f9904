"""`bench/matching.py --scale` (issue 16): scoring + solving at 10k x 2k, 50k x 10k, 100k x 20k and 200k x 40k
(capacity 5, both objectives), each size in its own subprocess so that peak memory (resource.getrusage's
ru_maxrss) is per size, and SciPy's dense optimum at 10k x 2k in another subprocess, compared in the same run.

    .venv/bin/python bench/matching.py --scale                    # the engine the MatchRun uses (auto)
    .venv/bin/python bench/matching.py --scale --engine dense     # today's dense matrix (the "before" table)
    .venv/bin/python bench/matching.py --scale --sizes 10000x2000,50000x10000

"auto": the dense matrix and solver.solve up to blocked.LARGE_COHORT_CELLS mentee x mentor cells, the blocked
path above (as the MatchRun chooses). Timings are wall clock with the process's CPU time beside them; on a
shared machine (load above its CPUs) the wall time stretches. Peak memory includes the generated cohort's
Python objects; "engine" is the peak minus the resident size before scoring.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

SIZES = [(10_000, 2_000), (50_000, 10_000), (100_000, 20_000), (200_000, 40_000)]
OBJECTIVES = ("score", "participation")
TARGETS = {(100_000, 20_000): (30.0, 3.0)}  # seconds (scoring + solve), GB peak


def _rss_bytes() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux: kilobytes


def _current_rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_one(bench: Any, mentees: int, mentors: int, engine: str) -> dict[str, Any]:
    """One size, in this process (a subprocess of main): both objectives. `bench`: bench/matching.py."""
    from matching import blocked, scoring, solver

    cohort = bench.synthetic_cohort(mentees, mentors)
    capacity = np.full(mentors, bench.CAPACITY, np.int64)
    criteria = scoring.criteria_for("one_on_one", bench.QUESTIONS)
    options = {
        "program_kind": "one_on_one",
        "max_tz_gap_hours": bench.MAX_TZ_GAP_HOURS,
        "excluded": cohort.excluded,
        "now": bench.NOW,
    }
    use_blocked = engine == "blocked" or (engine == "auto" and mentees * mentors > blocked.LARGE_COHORT_CELLS)
    gc.collect()
    before = _current_rss()
    results = []
    for objective in OBJECTIVES:
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        if use_blocked:
            source = scoring.ScoreBlocks(cohort.mentees, cohort.mentors, criteria, **options)
            scored = time.perf_counter() - wall
            result = blocked.solve_blocked(source, capacity, objective=objective)
            pairs, total = result.pairs, float(sum(result.scores))
            certificate = result.certificate.as_json()
            certificate["rescored_rows"] = result.certificate.rescored_rows
        else:
            scores = scoring.score_matrix(cohort.mentees, cohort.mentors, criteria, **options)
            scored = time.perf_counter() - wall
            pairs = solver.solve(scores, capacity, objective=objective)
            rows, cols = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
            total = float(scores[rows, cols].astype(np.float64).sum())
            certificate = {"proven": True, "gap": f"<= {solver.GAP_TOLERANCE:g} (solver.solve)"}
            del scores
        results.append(
            {
                "objective": objective,
                "seconds": time.perf_counter() - wall,
                "scoring_seconds": scored,
                "cpu_seconds": time.process_time() - cpu,
                "matched": len(pairs),
                "total": total,
                "certificate": certificate,
            }
        )
    return {
        "mentees": mentees,
        "mentors": mentors,
        "engine": "blocked" if use_blocked else "dense",
        "peak_bytes": _rss_bytes(),
        "before_bytes": before,
        "results": results,
    }


def reference(bench: Any, mentees: int, mentors: int) -> dict[str, Any]:
    """SciPy's dense optimum for both objectives (in a subprocess of main)."""
    cohort = bench.synthetic_cohort(mentees, mentors)
    scores = bench.score(cohort)
    capacity = np.full(mentors, bench.CAPACITY, np.int64)
    found = {}
    for objective in OBJECTIVES:
        pairs, seconds = bench.dense_reference(scores, capacity, objective)
        found[objective] = {"total": bench.total(scores, pairs), "matched": len(pairs), "seconds": seconds}
    return found


def _child(arguments: list[str]) -> dict[str, Any]:
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "matching.py")
    completed = subprocess.run(
        [sys.executable, script, *arguments], capture_output=True, text=True, check=False, env=os.environ.copy()
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {completed.returncode}: {' / '.join(tail)}"}
    return json.loads(lines[-1])


def main(engine: str, sizes: list[tuple[int, int]], dense_reference: bool) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# Matching at scale, engine {engine}: capacity 5, 8 criteria, both objectives")
    print(f"machine  {os.cpu_count()} CPUs, load average {load} (wall times stretch when it exceeds the CPUs)")
    print(f"command  {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print()
    print(
        "| mentees x mentors | engine | objective | scoring + solve (CPU) | peak memory (engine) | matched "
        "| certificate |"
    )
    print("|---|---|---|---|---|---|---|")
    measured: dict[tuple[int, int], dict[str, Any]] = {}
    for mentees, mentors in sizes:
        found = _child(["--scale-one", f"{mentees}x{mentors}", "--engine", engine])
        measured[(mentees, mentors)] = found
        if "error" in found:
            print(f"| {mentees:,} x {mentors:,} | {engine} | - | failed: {found['error']} | | | |")
            continue
        peak, engine_bytes = found["peak_bytes"], found["peak_bytes"] - found["before_bytes"]
        for result in found["results"]:
            certificate = result["certificate"]
            # The blocked path scores inside the solver, block by block: no separate scoring time.
            scoring = f"scoring {result['scoring_seconds']:.1f} s; " if found["engine"] == "dense" else ""
            proof = "proven" if certificate.get("proven") else "NOT proven"
            print(
                f"| {mentees:,} x {mentors:,} | {found['engine']} | {result['objective']} | "
                f"{result['seconds']:.1f} s ({scoring}CPU {result['cpu_seconds']:.1f} s) | "
                f"{peak / 1e9:.2f} GB ({engine_bytes / 1e9:.2f} GB) | {result['matched']:,} | "
                f"{proof}, gap {certificate.get('gap')}"
                + (f", {certificate['rounds']} rounds" if "rounds" in certificate else "")
                + " |"
            )
        target = TARGETS.get((mentees, mentors))
        if target:
            seconds = max(r["seconds"] for r in found["results"])
            ok = seconds < target[0] and peak < target[1] * 1e9
            ok = ok and all(r["certificate"].get("proven") for r in found["results"])
            print(f"|  | target | < {target[0]:g} s, < {target[1]:g} GB, proven | {'PASS' if ok else 'FAIL'} | | | |")
    if dense_reference and (10_000, 2_000) in measured and "results" in measured[(10_000, 2_000)]:
        print()
        found = _child(["--scale-reference", "10000x2000"])
        for result in measured[(10_000, 2_000)]["results"]:
            objective = result["objective"]
            if "error" in found:
                print(f"SciPy dense reference failed: {found['error']}")
                break
            best = found[objective]
            ratio = result["total"] / best["total"]
            ok = ratio >= 1 - 5e-4 and (objective == "score" or result["matched"] >= best["matched"])
            print(
                f"10,000 x 2,000 {objective:<13} vs SciPy dense optimum ({best['seconds']:.1f} s): total "
                f"{result['total']:,.2f} / {best['total']:,.2f} = {ratio:.6f}, matched {result['matched']:,} / "
                f"{best['matched']:,}: {'PASS' if ok else 'FAIL'}"
            )


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        mentees, mentors = part.lower().split("x")
        sizes.append((int(mentees), int(mentors)))
    return sizes
