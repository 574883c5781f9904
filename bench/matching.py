"""Matching benchmark (issue 4): a synthetic but realistic cohort of 10,000 mentees and 2,000 mentors of
capacity 5, scored on eight criteria (skills, goals, department, level, location, time zone, language,
format), solved with both objectives, and compared with SciPy's dense optimum and a greedy baseline.

    .venv/bin/python bench/matching.py                 # everything
    BENCH_DENSE=0 .venv/bin/python bench/matching.py   # skip the slow dense reference
    BENCH_MENTEES=2000 BENCH_MENTORS=400 ...           # another size
    .venv/bin/python bench/matching.py --scale         # 10k x 2k .. 200k x 40k without a dense matrix (issue 16)

Targets: scoring + solving < 2 s, >= 99.9% of the dense optimum, >= 10x faster than the dense reference.
Times are wall clock, with the process's CPU time beside them: on a busy machine (load above its 2 CPUs)
the wall time stretches while the CPU time stays. The whole MatchRun on PostgreSQL (load, score, solve,
explain, write) is timed by bench/matching_run.py; further sections can be added to SECTIONS below.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import scoring, solver  # noqa: E402  (after the path set-up)
from matching.profiles import Profile  # noqa: E402

MENTEES = int(os.environ.get("BENCH_MENTEES", "10000"))
MENTORS = int(os.environ.get("BENCH_MENTORS", "2000"))
CAPACITY = 5
DENSE = os.environ.get("BENCH_DENSE", "1") != "0"
TARGET_SECONDS = 2.0
TARGET_RATIO = 0.999
TARGET_SPEEDUP = 10.0
MAX_TZ_GAP_HOURS = 8
SEED = 20260401

SKILLS = [  # mentees' wants, most popular first (Zipf-like)
    "Leadership",
    "Data analysis",
    "AI tools",
    "Python",
    "Public speaking",
    "Stakeholder management",
    "Career planning",
    "Product thinking",
    "People management",
    "Negotiation",
    "Excel",
    "Sustainability practices",
]
# What mentors offer follows another order: the hot skills (AI tools, Data analysis) are scarce.
OFFERED = [
    "Excel",
    "Stakeholder management",
    "People management",
    "Leadership",
    "Career planning",
    "Negotiation",
    "Public speaking",
    "Product thinking",
    "Data analysis",
    "Python",
    "Sustainability practices",
    "AI tools",
]
GOALS = [
    "Career growth",
    "Leadership development",
    "Technical skills",
    "Confidence",
    "Networking",
    "Work-life balance",
    "Inclusion and belonging",
    "Sustainability",
]
FORMATS = [("Video call", 0.5), ("In person", 0.2), ("No preference", 0.15), ("Chat", 0.1), ("Phone", 0.05)]
DEPARTMENTS = [
    ("Engineering", 0.28),
    ("Sales", 0.16),
    ("Operations", 0.12),
    ("Customer Success", 0.10),
    ("Marketing", 0.08),
    ("Finance", 0.07),
    ("Data", 0.06),
    ("Product", 0.06),
    ("People", 0.04),
    ("Legal", 0.03),
]
# (office, time zone, share of staff, local language besides English)
OFFICES = [
    ("Berlin", "Europe/Berlin", 0.13, "German"),
    ("London", "Europe/London", 0.12, None),
    ("New York", "America/New_York", 0.14, None),
    ("San Francisco", "America/Los_Angeles", 0.08, None),
    ("Toronto", "America/Toronto", 0.05, "French"),
    ("São Paulo", "America/Sao_Paulo", 0.06, "Portuguese"),
    ("Mexico City", "America/Mexico_City", 0.04, "Spanish"),
    ("Madrid", "Europe/Madrid", 0.05, "Spanish"),
    ("Bangalore", "Asia/Kolkata", 0.12, "Hindi"),
    ("Singapore", "Asia/Singapore", 0.05, "Mandarin"),
    ("Tokyo", "Asia/Tokyo", 0.04, "Japanese"),
    ("Sydney", "Australia/Sydney", 0.03, None),
    ("Remote", None, 0.09, None),
]
MENTEE_LEVELS = ([1, 2, 3, 4, 5, 6], [0.2, 0.28, 0.24, 0.15, 0.09, 0.04])
MENTOR_LEVELS = ([3, 4, 5, 6, 7, 8, 9], [0.08, 0.17, 0.22, 0.2, 0.15, 0.1, 0.08])
QUESTIONS = [
    {"id": 1, "prompt": "Which skills do you want to learn?", "mentor_prompt": "Which skills can you offer?",
     "type": "tags", "options": SKILLS, "rule": "offers_wants", "weight": 5, "audience": "both"},
    {"id": 2, "prompt": "What are your goals for this program?", "mentor_prompt": "", "type": "multiple_choice",
     "options": GOALS, "rule": "overlap", "weight": 4, "audience": "both"},
    {"id": 3, "prompt": "Preferred meeting format", "mentor_prompt": "", "type": "single_choice",
     "options": [f for f, _ in FORMATS], "rule": "same", "weight": 2, "audience": "both"},
    {"id": 4, "prompt": "Languages you are comfortable mentoring in", "mentor_prompt": "",
     "type": "multiple_choice", "options": ["English", "German", "French", "Portuguese", "Spanish", "Hindi",
     "Mandarin", "Japanese"], "rule": "must", "weight": 0, "audience": "both"},
]  # fmt: skip
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)  # fixed: UTC offsets (DST) do not change between runs


@dataclass
class Cohort:
    mentees: list[Profile]
    mentors: list[Profile]
    excluded: set[tuple[int, int]]


def _zipf(count: int, exponent: float = 1.0) -> list[float]:
    weights = [1 / (rank + 1) ** exponent for rank in range(count)]
    total = sum(weights)
    return [w / total for w in weights]


def _sample(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    """k distinct items drawn by weight."""
    chosen: list[str] = []
    while len(chosen) < k:
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def synthetic_cohort(mentees: int = MENTEES, mentors: int = MENTORS, seed: int = SEED) -> Cohort:
    """People with skewed, correlated attributes, a management tree and a few excluded pairs."""
    rng = random.Random(seed)
    people = mentees + mentors
    departments = [d for d, _ in DEPARTMENTS]
    department_w = [w for _, w in DEPARTMENTS]
    office_w = [o[2] for o in OFFICES]
    want_w, offer_w, goal_w = _zipf(len(SKILLS), 1.1), _zipf(len(OFFERED), 0.8), _zipf(len(GOALS), 0.7)
    rows = []
    for index in range(people):
        role = "mentee" if index < mentees else "mentor"
        office, zone, _, local = rng.choices(OFFICES, office_w)[0]
        if zone is None:
            zone = rng.choice([o[1] for o in OFFICES if o[1]])
        languages = ["English"] if rng.random() < 0.92 or not local else []
        if local and (not languages or rng.random() < 0.6):
            languages.append(local)
        levels = MENTEE_LEVELS if role == "mentee" else MENTOR_LEVELS
        if role == "mentee":
            skills = _sample(rng, SKILLS, want_w, rng.choice([1, 2, 2, 3, 3, 4]))
        else:
            skills = _sample(rng, OFFERED, offer_w, rng.choice([2, 3, 3, 4, 5, 6]))
        answers = {
            "1": skills,
            "2": _sample(rng, GOALS, goal_w, rng.choice([1, 2, 2, 3])),
            "3": rng.choices([f for f, _ in FORMATS], [w for _, w in FORMATS])[0],
            "4": languages,
        }
        if rng.random() < 0.04:  # some leave optional questions blank
            del answers["3"]
        rows.append(
            {
                "role": role,
                "department": rng.choices(departments, department_w)[0],
                "level": rng.choices(*levels)[0],
                "office": office,
                "zone": zone,
                "answers": answers,
            }
        )
    # A management tree: each person reports to someone one or two levels up in their department
    # (managers outside the program included), so chains run 2-6 deep.
    managers_by = {}
    extra = people
    for department in departments:
        for level in range(2, 12):
            pool = [i for i, r in enumerate(rows) if r["department"] == department and r["level"] == level]
            pool += list(range(extra, extra + 3))  # managers who are not in the program
            extra += 3
            managers_by[(department, level)] = pool
    manager_of: dict[int, int | None] = {}
    for i, r in enumerate(rows):
        up = r["level"] + rng.choice([1, 1, 2])
        manager_of[i] = rng.choice(managers_by[(r["department"], up)]) if up < 12 else None
    for (department, level), pool in managers_by.items():
        for m in pool:
            if m >= people:
                up = level + 1
                manager_of[m] = rng.choice(managers_by[(department, up)]) if up < 12 else None
    chains: dict[int, frozenset[int]] = {}

    def chain(employee: int) -> frozenset[int]:
        if employee not in chains:
            boss = manager_of.get(employee)
            chains[employee] = frozenset() if boss is None else chain(boss) | {boss}
        return chains[employee]

    profiles = [
        Profile(
            participant_id=100_000 + i,
            employee_id=i,
            role=r["role"],
            answers=r["answers"],
            department=r["department"],
            job_level=r["level"],
            location=r["office"],
            time_zone=r["zone"],
            manager_chain=chain(i),
            capacity=CAPACITY if r["role"] == "mentor" else 1,
        )
        for i, r in enumerate(rows)
    ]
    excluded = {
        (100_000 + rng.randrange(mentees), 100_000 + mentees + rng.randrange(mentors)) for _ in range(mentees // 50)
    }
    return Cohort(mentees=profiles[:mentees], mentors=profiles[mentees:], excluded=excluded)


def score(cohort: Cohort) -> np.ndarray:
    criteria = scoring.criteria_for("one_on_one", QUESTIONS)
    return scoring.score_matrix(
        cohort.mentees,
        cohort.mentors,
        criteria,
        program_kind="one_on_one",
        max_tz_gap_hours=MAX_TZ_GAP_HOURS,
        excluded=cohort.excluded,
        now=NOW,
    )


def total(scores: np.ndarray, pairs: list[tuple[int, int]]) -> float:
    if not pairs:
        return 0.0
    rows, cols = np.array(pairs).T
    return float(scores[rows, cols].astype(np.float64).sum())


def check(scores: np.ndarray, capacity: np.ndarray, pairs: list[tuple[int, int]]) -> None:
    """The pairs are a valid answer: each mentee once, capacities held, no forbidden pair."""
    rows = [i for i, _ in pairs]
    assert len(rows) == len(set(rows)), "a mentee matched twice"
    load = np.bincount([j for _, j in pairs], minlength=scores.shape[1])
    assert (load <= capacity).all(), "a mentor over capacity"
    assert not any(np.isnan(scores[i, j]) for i, j in pairs), "a forbidden pair"


def greedy(scores: np.ndarray, capacity: np.ndarray) -> list[tuple[int, int]]:
    """Baseline: best pair first, while the mentee is free and the mentor has room."""
    n, m = scores.shape
    flat = np.where(np.isnan(scores), -1.0, scores).ravel()
    order = np.argsort(-flat, kind="stable")
    order = order[: int(np.count_nonzero(flat >= 0))]
    free = np.ones(n, bool)
    room = capacity.astype(np.int64).copy()
    pairs = []
    for start in range(0, order.size, 200_000):
        batch = order[start : start + 200_000]
        rows, cols = np.divmod(batch, m)
        keep = free[rows] & (room[cols] > 0)
        for i, j in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
            if free[i] and room[j] > 0:
                free[i] = False
                room[j] -= 1
                pairs.append((i, j))
        if not free.any() or not room.any():
            break
    return pairs


def dense_reference(scores: np.ndarray, capacity: np.ndarray, objective: str) -> tuple[list[tuple[int, int]], float]:
    """SciPy's linear_sum_assignment on the whole matrix, each mentor's column repeated `capacity` times.
    Forbidden cells weigh 0 (as much as staying unmatched) and are dropped afterwards."""
    from scipy.optimize import linear_sum_assignment

    started = time.perf_counter()
    columns = np.repeat(np.arange(scores.shape[1]), capacity)
    expanded = scores[:, columns].astype(np.float64)
    allowed = ~np.isnan(expanded)
    np.nan_to_num(expanded, copy=False, nan=0.0)
    if objective == "participation":
        expanded += np.where(allowed, float(scores.shape[0] + 1), 0.0)
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    keep = allowed[rows, cols]
    pairs = list(zip(rows[keep].tolist(), columns[cols[keep]].tolist(), strict=True))
    return pairs, time.perf_counter() - started


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process: all its threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def pure_section() -> None:
    """Scoring and solving without a database: the engine's own figures."""
    print(f"# Matching engine: {MENTEES:,} mentees x {MENTORS:,} mentors (capacity {CAPACITY}), 8 criteria")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine        {os.cpu_count()} CPUs, load average {load} (wall times stretch when it exceeds the CPUs)")
    started = time.perf_counter()
    cohort = synthetic_cohort()
    print(f"cohort         generated in {time.perf_counter() - started:.1f} s (not timed below)")
    capacity = np.full(MENTORS, CAPACITY, np.int64)
    gc.collect()
    scores, scoring_s, scoring_cpu = timed(score, cohort)
    allowed = ~np.isnan(scores)
    print(
        f"scoring        {scoring_s:.3f} s (CPU {scoring_cpu:.3f} s)  ({scores.dtype}, {allowed.mean():.1%} of pairs "
        f"allowed, mean allowed score {float(np.nanmean(scores)):.3f})"
    )
    greedy_pairs = greedy(scores, capacity)
    greedy_total = total(scores, greedy_pairs)
    results = {}
    for objective in ("score", "participation"):
        gc.collect()
        pairs, solving_s, solving_cpu = timed(solver.solve, scores, capacity, objective=objective)
        check(scores, capacity, pairs)
        results[objective] = (pairs, solving_s)
        value = total(scores, pairs)
        print(
            f"solve {objective:<13} {solving_s:.3f} s (CPU {solving_cpu:.3f} s)  matched {len(pairs):,}/{MENTEES:,}, "
            f"total {value:,.2f}; vs greedy best-pair-first ({len(greedy_pairs):,} matched, {greedy_total:,.2f}): "
            f"{value / greedy_total:.4f}x"
        )
        verdict = "PASS" if scoring_s + solving_s < TARGET_SECONDS else "FAIL"
        print(
            f"  scoring + solving {scoring_s + solving_s:.3f} s, CPU {scoring_cpu + solving_cpu:.3f} s "
            f"(target < {TARGET_SECONDS:g} s wall): {verdict}"
        )
    if not DENSE:
        print("dense reference skipped (BENCH_DENSE=0)")
        return
    for objective in ("score", "participation"):
        pairs, solving_s = results[objective]
        gc.collect()
        reference, dense_s = dense_reference(scores, capacity, objective)
        check(scores, capacity, reference)
        ratio = total(scores, pairs) / total(scores, reference)
        speedup = dense_s / solving_s
        print(
            f"dense {objective:<13} {dense_s:.1f} s (scipy linear_sum_assignment, {MENTEES:,} x "
            f"{int(capacity.sum()):,}): matched {len(reference):,}, total {total(scores, reference):,.2f}"
        )
        ok = ratio >= TARGET_RATIO and speedup >= TARGET_SPEEDUP
        if objective == "participation":
            ok = ok and len(pairs) >= len(reference)
        print(
            f"  solver/optimum {ratio:.6f} (matched {len(pairs):,} vs {len(reference):,}), "
            f"{speedup:,.0f}x faster than dense: {'PASS' if ok else 'FAIL'}"
        )


SECTIONS: list[Callable[[], None]] = [pure_section]

# --- Further sections go here (e.g. the whole MatchRun on PostgreSQL): define a function that prints its
# figures and append it to SECTIONS. Keep the `__main__` block below last. --------------------------------


def main() -> None:
    import argparse
    import json

    import _matching_scale as scale  # bench/_matching_scale.py, beside this file

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="store_true", help="10k x 2k up to 200k x 40k, one subprocess per size")
    parser.add_argument("--engine", choices=["auto", "blocked", "dense"], default="auto")
    parser.add_argument("--sizes", type=scale.parse_sizes, default=scale.SIZES, help="e.g. 10000x2000,50000x10000")
    parser.add_argument("--no-reference", action="store_true", help="--scale without SciPy's dense optimum")
    parser.add_argument("--scale-one", type=scale.parse_sizes, help=argparse.SUPPRESS)
    parser.add_argument("--scale-reference", type=scale.parse_sizes, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    bench = sys.modules[__name__]
    if arguments.scale_one:
        print(json.dumps(scale.run_one(bench, *arguments.scale_one[0], arguments.engine)))
    elif arguments.scale_reference:
        print(json.dumps(scale.reference(bench, *arguments.scale_reference[0])))
    elif arguments.scale:
        scale.main(arguments.engine, arguments.sizes, not arguments.no_reference)
    else:
        for section in SECTIONS:
            section()
            print()


if __name__ == "__main__":
    main()
