"""The blocked solver (issue 16): against SciPy's dense optimum on random instances (hypothesis), both
objectives, capacities and forbidden pairs respected, its certificate agreeing with the optimum; the block
source equal to the dense score matrix; and the memory it takes against the dense matrix. No database."""

from __future__ import annotations

import functools
import random
import tracemalloc
from datetime import UTC, datetime
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from matching import blocked, pilot, scoring, solver
from matching.blocked import DenseSource, solve_blocked
from matching.profiles import Profile

VALUES = [0.0, 0.25, 0.5, 0.75, 1.0, 0.3333, 0.9]  # few distinct values: plenty of ties


def dense_optimum(scores: np.ndarray, capacity: np.ndarray, objective: str) -> tuple[float, int]:
    """(total score, mentees matched) of SciPy's optimum on the capacity-expanded matrix."""
    n = scores.shape[0]
    columns = np.repeat(np.arange(scores.shape[1]), capacity)
    if n == 0 or columns.size == 0:
        return 0.0, 0
    expanded = scores[:, columns].astype(np.float64)
    allowed = ~np.isnan(expanded)
    weight = np.where(allowed, expanded, 0.0)
    # participation: one more mentee beats any total; score: a sliver so that a score-0 pair is matched.
    weight += np.where(allowed, float(n + 1) if objective == "participation" else 1e-9 / (n + 1), 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    keep = allowed[rows, cols]
    return float(expanded[rows[keep], cols[keep]].sum()), int(keep.sum())


def check_answer(scores: np.ndarray, capacity: np.ndarray, objective: str) -> blocked.Result:
    result = solve_blocked(DenseSource(scores), capacity, objective=objective)
    pairs = result.pairs
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    load = np.bincount([j for _, j in pairs], minlength=scores.shape[1])
    assert (load <= capacity).all(), "a mentor over capacity"
    assert not any(np.isnan(scores[i, j]) for i, j in pairs), "a forbidden pair"
    total = float(sum(float(scores[i, j]) for i, j in pairs))
    assert result.scores == [float(scores[i, j]) for i, j in pairs]
    best, most = dense_optimum(scores, capacity, objective)
    tolerance = solver.GAP_TOLERANCE * best + 1e-7
    assert abs(total - best) <= tolerance
    if objective == "participation":
        assert len(pairs) == most
    # The certificate: the answer's own total, an upper bound at least the true optimum, proven and tight.
    certificate = result.certificate
    assert certificate.proven
    assert abs(certificate.total - total) <= 1e-6
    assert certificate.matched == len(pairs)
    assert certificate.upper >= best - 1e-6
    assert certificate.upper - certificate.total <= tolerance
    return result


@st.composite
def instances(draw):
    n = draw(st.integers(1, 24))
    m = draw(st.integers(1, 12))
    cells = draw(
        st.lists(
            st.one_of(st.sampled_from(VALUES), st.floats(0, 1, width=32), st.just(float("nan"))),
            min_size=n * m,
            max_size=n * m,
        )
    )
    scores = np.array(cells, dtype=np.float32).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    return scores, capacity


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances(), objective=st.sampled_from(["score", "participation"]))
def test_blocked_equals_the_dense_optimum_with_few_kept(instance, objective):
    """Two kept mentors per mentee and groups of two mentors, prices guided by a sample of 4 mentees, at most
    2 mentors scored in full: most pairs are outside the kept ones, so the per-group pricing, the mentors
    scored in full and the rescans decide the answer and its proof."""
    scores, capacity = instance
    with (
        mock.patch.multiple(blocked, KEEP=2, GROUPS=3, EXACT_COLUMNS=2, EXACT_SHARE=1),
        mock.patch.object(pilot, "SAMPLE_ROWS", 4),
    ):
        check_answer(scores, capacity, objective)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), objective=st.sampled_from(["score", "participation"]))
def test_blocked_equals_the_dense_optimum_on_larger_instances(seed, objective):
    """More mentors than are kept per mentee (the default KEEP), ties, forbidden pairs, scarce places; prices
    guided by a sample of a tenth of the mentees (the whole cohort would give the pilot the exact prices)."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(40, 160)), int(rng.integers(40, 90))
    scores = rng.random((n, m)).astype(np.float32)
    if rng.random() < 0.5:
        scores = (np.round(scores * 5) / 5).astype(np.float32)
    scores[rng.random((n, m)) < rng.random() * 0.6] = np.nan
    capacity = rng.integers(0, 4, m)
    with mock.patch.object(pilot, "SAMPLE_ROWS", n // 10):
        check_answer(scores, capacity, objective)


def test_blocked_matches_solve_on_the_same_matrix():
    rng = np.random.default_rng(7)
    scores = rng.random((300, 120)).astype(np.float32)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    capacity = np.full(120, 2)
    for objective in ("score", "participation"):
        result = check_answer(scores, capacity, objective)
        dense = solver.solve(scores, capacity, objective=objective)
        assert abs(sum(result.scores) - float(sum(scores[i, j] for i, j in dense))) <= 1e-3


def test_an_unproven_run_returns_its_best_feasible_answer_and_the_gap():
    """Out of rounds before the proof: a feasible answer, proven False, the measured gap above the tolerance."""
    rng = np.random.default_rng(3)
    scores = rng.random((400, 200)).astype(np.float32)
    capacity = np.full(200, 2)
    with (
        mock.patch.multiple(blocked, KEEP=1, GROUPS=1, FIRST_SLACK=0.0, FIRST_ROW=1, FIRST_COVERAGE=1, EXACT_COLUMNS=0),
        mock.patch.multiple(pilot, SAMPLE_ROWS=2, ROUNDS=1),
    ):
        result = solve_blocked(DenseSource(scores), capacity, objective="score", max_rounds=1)
    certificate = result.certificate
    assert not certificate.proven
    assert certificate.gap > solver.GAP_TOLERANCE
    assert certificate.rounds == 1
    load = np.bincount([j for _, j in result.pairs], minlength=200)
    assert (load <= capacity).all()
    best, _ = dense_optimum(scores, capacity, "score")
    assert certificate.total <= best + 1e-6 <= certificate.upper + 2e-6
    assert certificate.as_json()["proven"] is False


def test_nobody_and_no_places():
    empty = np.zeros((0, 3), np.float32)
    assert solve_blocked(DenseSource(empty), np.ones(3, np.int64)).pairs == []
    scores = np.full((4, 3), 0.5, np.float32)
    assert solve_blocked(DenseSource(scores), np.zeros(3, np.int64)).pairs == []
    assert solve_blocked(DenseSource(np.full((4, 3), np.nan, np.float32)), np.ones(3, np.int64)).pairs == []


# --- The block source and memory ---------------------------------------------------------------------

QUESTIONS = [
    {"id": 1, "prompt": "Skills", "options": ["a", "b", "c", "d", "e", "f"], "rule": "offers_wants", "weight": 5},
    {"id": 2, "prompt": "Goals", "options": ["g", "h", "i", "j"], "rule": "overlap", "weight": 3},
    {"id": 3, "prompt": "Language", "options": ["en", "de", "fr"], "rule": "must", "weight": 0},
]
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "America/Los_Angeles"]
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def people(mentees: int, mentors: int, seed: int = 5) -> tuple[list[Profile], list[Profile]]:
    rng = random.Random(seed)
    result = []
    for i in range(mentees + mentors):
        role = "mentee" if i < mentees else "mentor"
        answers = {
            "1": rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(1, 4)),
            "2": rng.sample(["g", "h", "i", "j"], rng.randint(1, 2)),
            "3": rng.sample(["en", "de", "fr"], rng.randint(1, 2)),
        }
        result.append(
            Profile(
                participant_id=1000 + i,
                employee_id=i,
                role=role,
                answers=answers,
                department=rng.choice(["Eng", "Sales", "Ops", "Data"]),
                job_level=rng.randint(1, 5) + (3 if role == "mentor" else 0),
                location=rng.choice(["Berlin", "NYC", "Pune"]),
                time_zone=rng.choice(ZONES),
                manager_chain=frozenset(rng.sample(range(mentees + mentors), 2)),
                capacity=3,
            )
        )
    return result[:mentees], result[mentees:]


def arguments(mentees, mentors):
    excluded = {(mentees[i].participant_id, mentors[i].participant_id) for i in range(min(20, len(mentors)))}
    criteria = scoring.criteria_for("one_on_one", QUESTIONS)
    options = {"program_kind": "one_on_one", "max_tz_gap_hours": 8, "excluded": excluded, "now": NOW}
    return criteria, options


def test_score_blocks_equal_the_score_matrix_in_any_order_of_rows_and_mentors():
    mentees, mentors = people(700, 90)
    criteria, options = arguments(mentees, mentors)
    dense = scoring.score_matrix(mentees, mentors, criteria, **options)
    source = scoring.ScoreBlocks(mentees, mentors, criteria, **options)
    assert source.shape == dense.shape
    # Equal up to float32 rounding: BLAS sums a product of 700 rows in another order than score_matrix's
    # blocks of 512 on some CPUs; forbidden cells (NaN) exactly.
    same = functools.partial(np.testing.assert_allclose, rtol=1e-6, atol=1e-7, equal_nan=True)
    with threadpool_limits(limits=1, user_api="blas"):
        same(source.rows(0, 700), dense)
        same(source.rows(130, 517), dense[130:517])
        picked = np.array([3, 4, 99, 500, 699])
        same(source.take(picked), dense[picked])
        order = np.random.default_rng(1).permutation(90)
        same(source.reorder(order).rows(0, 700), dense[:, order])
        same(source.reorder(order).take(picked), dense[picked][:, order])
        some = np.array([77, 3, 40])
        same(source.columns(some).rows(0, 700), dense[:, some])
        # The scoring pass's rows: forbidden cells far below any score instead of NaN, the rest equal once
        # clipped.
        unclipped = source.unclipped_rows(0, 700)
    forbidden = np.isnan(dense)
    assert (unclipped[forbidden] <= scoring.FORBIDDEN).all()
    same(np.clip(unclipped[~forbidden], 0.0, 1.0), dense[~forbidden])
    assert forbidden.any() and (dense > 0).any()  # forbidden pairs and real scores both present


def test_blocked_on_score_blocks_equals_the_dense_optimum():
    """From the real block source (forbidden cells finite, far below any score; rows unclipped), with the
    sampled floor of the scoring pass in use (KEEP 2: mentors >= 4 x KEEP x SAMPLE_STRIDE) and a pilot of 20
    mentees: the dense optimum of score_matrix, and a certificate that bounds it."""
    mentees, mentors = people(700, 90, seed=4)
    criteria, options = arguments(mentees, mentors)
    dense = scoring.score_matrix(mentees, mentors, criteria, **options)
    capacity = np.array([(j % 4) + (j % 7 == 0) for j in range(90)], np.int64)  # 0-4 places
    for objective in ("score", "participation"):
        with (
            mock.patch.multiple(blocked, KEEP=2, GROUPS=5, EXACT_COLUMNS=4),
            mock.patch.object(pilot, "SAMPLE_ROWS", 20),
        ):
            source = scoring.ScoreBlocks(mentees, mentors, criteria, **options)
            result = solve_blocked(source, capacity, objective=objective)
        best, most = dense_optimum(dense, capacity, objective)
        total = float(sum(result.scores))
        assert abs(total - best) <= solver.GAP_TOLERANCE * best + 1e-6
        assert result.certificate.proven and result.certificate.upper >= best - 1e-6
        assert all(not np.isnan(dense[i, j]) for i, j in result.pairs)
        assert (np.bincount([j for _, j in result.pairs], minlength=90) <= capacity).all()
        if objective == "participation":
            assert len(result.pairs) == most


def test_blocked_solver_never_builds_the_dense_matrix():
    """Peak memory of scoring + solving, measured by tracemalloc (numpy reports its arrays to it), stays under
    half the dense float32 matrix (mentees x mentors x 4 bytes), so no path built it; the dense path on the
    same cohort does not, so the measurement does see such a matrix."""
    mentees, mentors = people(12_000, 4_000, seed=11)
    criteria, options = arguments(mentees, mentors)
    matrix_bytes = len(mentees) * len(mentors) * 4  # 192 MB
    capacity = np.full(len(mentors), 3, np.int64)

    tracemalloc.start()
    try:
        source = scoring.ScoreBlocks(mentees, mentors, criteria, **options)
        result = solve_blocked(source, capacity, objective="score")
        _, blocked_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        dense = scoring.score_matrix(mentees, mentors, criteria, **options)
        _, dense_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.certificate.proven
    assert len(result.pairs) > 0.9 * len(mentees)
    assert dense_peak >= matrix_bytes  # the measurement sees a dense matrix when there is one
    assert blocked_peak < matrix_bytes / 2, f"peak {blocked_peak / 1e6:.0f} MB vs matrix {matrix_bytes / 1e6:.0f} MB"
    rows, cols = np.array(result.pairs).T
    assert np.allclose(dense[rows, cols], result.scores)


# --- The pilot's price estimate ----------------------------------------------------------------------


def test_pilot_prices_of_the_whole_cohort_prove_its_optimum_and_a_sample_comes_close():
    """Prices are an LP dual: with them, each mentee's best gain plus the places' prices bounds the optimum
    from above. From every mentee (each one unit) the bound is the optimum itself (within the pilot's
    tolerance); from a fifth of them, each standing for five, the bound is still close to it."""
    rng = np.random.default_rng(12)
    n, m = 2000, 100
    scores = rng.random((n, m)).astype(np.float32)
    scores[rng.random((n, m)) < 0.1] = -np.inf
    capacity = rng.integers(0, 30, m)
    costs = solver._Costs(n, m, capacity, "score", float(scores.max()), steps=pilot.STEPS)
    optimum, _ = dense_optimum(np.where(np.isfinite(scores), scores, np.nan), capacity, "score")

    def dual_bound(prices: np.ndarray) -> float:
        usable = np.isfinite(prices)
        gains = np.where(np.isfinite(scores) & usable, scores - np.where(usable, prices, 0.0), 0.0)
        placed = capacity[usable] * prices[usable]
        return float(np.maximum(gains.max(axis=1), 0.0).sum() + placed.sum())

    whole = pilot.estimate_prices(scores, n, costs)
    assert np.isinf(whole[capacity == 0]).all() and (whole[capacity > 0] >= 0).all()
    assert optimum - 1e-6 <= dual_bound(whole) <= optimum * (1 + pilot.TOLERANCE)
    sampled = pilot.estimate_prices(scores[::5], n, costs)
    # Close: within 1% of the optimum (0.15% here), where no prices at all give 43% above it.
    assert dual_bound(sampled) <= optimum * 1.01
    assert dual_bound(np.where(capacity > 0, 0.0, np.inf)) > optimum * 1.2


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), most=st.integers(0, 40), width=st.integers(1, 1500))
def test_best_columns_are_each_rows_best_finite_columns(seed, most, width):
    """solver._best_columns (the pilot's candidates, the best mentees of mentors scored in full): per row its
    best `limit` finite columns, best first, equal values lowest column first, or all of them where it has
    fewer; never a -inf one. Wide rows take the sampled floor, rows of few distinct values the equal ones."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 12))
    block = (rng.random((count, width)) * 2 - 1).astype(np.float32)
    if rng.random() < 0.4:
        block = np.round(block, int(rng.integers(0, 2)))  # few distinct values: many equal at the floor
    block[rng.random((count, width)) < rng.random()] = -np.inf
    limit = rng.integers(0, most + 1, count) if rng.random() < 0.5 else most  # per row, or one for all
    rows, cols = solver._best_columns(block, limit)
    assert (np.diff(rows) >= 0).all()
    for row in range(count):
        finite = np.flatnonzero(np.isfinite(block[row]))
        wanted = int(np.broadcast_to(limit, (count,))[row])
        expected = finite[np.lexsort((finite, -block[row, finite]))][:wanted]  # best first, then column
        assert cols[rows == row].tolist() == expected.tolist()


def test_the_group_floor_is_the_keep_th_best_groups_best_and_the_kept_are_each_rows_best():
    """The scoring pass's first floor: the KEEP-th best of the groups' best values, so at least KEEP values of
    the row are at or above it; _keep_block then keeps each row's best KEEP allowed mentors (all of them for a
    row with fewer), never a forbidden one (at or below scoring.FORBIDDEN)."""
    rng = np.random.default_rng(5)
    n, m = 64, 1000
    kept = blocked._empty_kept(n, m)
    groups, size = kept.starts.size, kept.size
    buffer = np.full((n, groups * size), -np.inf, np.float32)
    buffer[:, :m] = rng.random((n, m)).astype(np.float32) ** 4  # a few high values per row
    buffer[:8, 300:m] = 4 * scoring.FORBIDDEN  # rows with fewer allowed mentors
    buffer[8, 20:m] = 4 * scoring.FORBIDDEN  # fewer than KEEP allowed
    floor = blocked._group_floor(buffer, kept)
    assert floor is not None
    assert np.array_equal(floor, np.sort(buffer.reshape(n, groups, size).max(axis=2), axis=1)[:, -blocked.KEEP])
    assert ((buffer >= floor[:, None]).sum(axis=1) >= blocked.KEEP).all()
    block = buffer[:, :m]
    blocked._keep_block(block, np.arange(n), block.max(axis=1), kept, floor)
    for row in range(n):
        allowed = np.flatnonzero(block[row] > scoring.FORBIDDEN / 2)
        best = allowed[np.argsort(-block[row, allowed], kind="stable")][: blocked.KEEP]
        held = kept.cols[row, : blocked.KEEP]
        assert sorted(held[held >= 0].tolist()) == sorted(best.tolist())
    assert blocked._group_floor(buffer[:, : blocked.KEEP - 1], blocked._empty_kept(n, blocked.KEEP - 1)) is None


def test_the_first_graph_is_each_mentees_near_pairs_and_each_mentors_best_kept_mentees():
    """The first flow's graph, against a plain reference: per mentee its kept pairs within FIRST_SLACK of its
    best reduced gain (score - estimated price; at most FIRST_ROW), and per mentor with places its best
    FIRST_COVERAGE x capacity kept mentees by score (equal scores: the lower mentee first)."""
    rng = np.random.default_rng(3)
    n, m = 60, 40
    scores = np.round(rng.random((n, m)), 1).astype(np.float32)  # plenty of equal scores
    scores[rng.random((n, m)) < 0.2] = np.nan
    capacity = rng.integers(0, 3, m)
    offset = (rng.random(m) * 0.3).astype(np.float32)
    with mock.patch.multiple(blocked, KEEP=6, GROUPS=4, FIRST_SLACK=0.15, FIRST_ROW=3, FIRST_COVERAGE=2):
        kept, high = blocked._keep(DenseSource(scores), capacity > 0, offset)
        rounds = blocked._Rounds(DenseSource(scores), capacity, "score", high, kept)
        rounds._first_graph(kept.cols >= 0)
        expected = set()
        held = [
            [(int(j), float(kept.scores[i, k])) for k, j in enumerate(kept.cols[i, :6]) if j >= 0] for i in range(n)
        ]
        for i, pairs in enumerate(held):
            if pairs:
                best = pairs[0][1] - float(offset[pairs[0][0]])
                near = [j for j, s in pairs if s - float(offset[j]) >= best - 0.15]
                expected |= {(i, j) for j in near[:3]}
        for j in range(m):
            if capacity[j] > 0:
                mentees = sorted((-s, i) for i, pairs in enumerate(held) for c, s in pairs if c == j)
                expected |= {(i, j) for _, i in mentees[: 2 * capacity[j]]}
    assert set(zip(rounds.g_rows.tolist(), rounds.g_cols.tolist(), strict=True)) == expected
    assert np.array_equal(
        rounds.g_scores, [float(scores[i, j]) for i, j in zip(rounds.g_rows, rounds.g_cols, strict=True)]
    )
