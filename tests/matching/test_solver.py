"""The assignment solver against brute force (hypothesis), both objectives, both methods (SciPy's dense
assignment for small inputs, the certified min-cost flow otherwise), and its input checks. No database."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import solver
from matching.solver import solve

VALUES = [0.0, 0.25, 0.5, 0.75, 1.0, 0.3333, 0.9]  # few distinct values: plenty of ties


@st.composite
def instances(draw, max_mentees: int = 5, max_mentors: int = 4):
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    cells = draw(
        st.lists(
            st.one_of(st.sampled_from(VALUES), st.floats(0, 1), st.just(float("nan"))),
            min_size=n * m,
            max_size=n * m,
        )
    )
    scores = np.array(cells, dtype=np.float64).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    return scores, capacity


def brute_force(scores: np.ndarray, capacity: np.ndarray) -> tuple[float, int, float]:
    """(best total score, most mentees matched, best total among the largest matchings)."""
    n, m = scores.shape
    best_total, best_count, best_total_at_count = 0.0, 0, 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        load = np.bincount([j for j in choice if j >= 0], minlength=m)
        if (load > capacity).any():
            continue
        if any(j >= 0 and np.isnan(scores[i, j]) for i, j in enumerate(choice)):
            continue
        total = sum(scores[i, j] for i, j in enumerate(choice) if j >= 0)
        count = sum(j >= 0 for j in choice)
        best_total = max(best_total, total)
        if count > best_count or (count == best_count and total > best_total_at_count):
            best_count, best_total_at_count = count, total
    return best_total, best_count, best_total_at_count


def assert_valid(scores: np.ndarray, capacity: np.ndarray, pairs: list[tuple[int, int]]) -> None:
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    assert pairs == sorted(pairs)
    if pairs:
        load = np.bincount([j for _, j in pairs], minlength=scores.shape[1])
        assert (load <= capacity).all(), "a mentor over capacity"
    for i, j in pairs:
        assert isinstance(i, int) and isinstance(j, int)
        assert not np.isnan(scores[i, j]), "a forbidden pair"


def total_of(scores: np.ndarray, pairs: list[tuple[int, int]]) -> float:
    return float(sum(float(scores[i, j]) for i, j in pairs))


@contextmanager
def flow_method(*, candidates: int | None = None, slack: float | None = None):
    """Force the min-cost flow method on small inputs (and, optionally, a tiny candidate graph, so that
    the certificate has to add the pairs the optimum needs)."""
    patches = [mock.patch.object(solver, "DENSE_CELLS", 0)]
    if candidates is not None:
        patches.append(mock.patch.object(solver, "ROW_CANDIDATES", candidates))
    if slack is not None:
        patches.append(mock.patch.object(solver, "SLACK", slack))
    for patch in patches:
        patch.start()
    try:
        yield
    finally:
        for patch in patches:
            patch.stop()


def check_against_brute_force(scores, capacity, *, tolerance: float) -> None:
    best_total, best_count, best_at_count = brute_force(scores, capacity)
    pairs = solve(scores, capacity, objective="score")
    assert_valid(scores, capacity, pairs)
    total = total_of(scores, pairs)
    assert best_total * (1 - tolerance) - 1e-9 <= total <= best_total + 1e-9
    pairs = solve(scores, capacity, objective="participation")
    assert_valid(scores, capacity, pairs)
    assert len(pairs) == best_count
    total = total_of(scores, pairs)
    assert best_at_count * (1 - tolerance) - 1e-9 <= total <= best_at_count + 1e-9


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_dense_method_is_optimal(instance):
    scores, capacity = instance
    check_against_brute_force(scores, capacity, tolerance=1e-12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([(1, 0.0), (2, 0.02), (8, 0.02)]))
def test_flow_method_is_optimal(instance, tuning):
    scores, capacity = instance
    candidates, slack = tuning
    with flow_method(candidates=candidates, slack=slack):
        # The flow method proves its answer within GAP_TOLERANCE (5e-4) of the optimum.
        check_against_brute_force(scores, capacity, tolerance=solver.GAP_TOLERANCE)


@pytest.mark.parametrize("objective", ["score", "participation"])
@pytest.mark.parametrize("seed", range(6))
def test_flow_method_matches_dense_on_medium_instances(objective, seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(150, 400)), int(rng.integers(20, 80))
    scores = rng.random((n, m)).astype(np.float32)
    if seed % 2:
        scores = np.round(scores * 4) / 4  # heavy ties
    popular = rng.random(m) < 0.2  # some mentors everyone wants
    scores[:, popular] = np.minimum(1, scores[:, popular] + 0.5)
    scores[rng.random((n, m)) < 0.3] = np.nan
    capacity = rng.integers(0, 6, m)
    dense = solver._solve_dense(scores, ~np.isnan(scores), capacity, objective)
    with flow_method():
        pairs = solve(scores, capacity, objective=objective)
    assert_valid(scores, capacity, pairs)
    if objective == "participation":
        assert len(pairs) == len(dense)
    assert total_of(scores, pairs) >= total_of(scores, dense) * (1 - solver.GAP_TOLERANCE)


@pytest.mark.parametrize("objective", ["score", "participation"])
def test_flow_method_on_a_cohort_large_enough_for_parallel_scans(objective):
    rng = np.random.default_rng(11)
    n, m = 1_300, 260
    scores = (np.round(rng.random((n, m)) * 8) / 8).astype(np.float32)
    scores[rng.random((n, m)) < 0.4] = np.nan
    capacity = rng.integers(0, 6, m)
    dense = solver._solve_dense(scores, ~np.isnan(scores), capacity, objective)
    with flow_method():
        pairs = solve(scores, capacity, objective=objective)
    assert_valid(scores, capacity, pairs)
    if objective == "participation":
        assert len(pairs) == len(dense)
    assert total_of(scores, pairs) >= total_of(scores, dense) * (1 - solver.GAP_TOLERANCE)


def test_more_mentees_than_places_takes_the_best():
    scores = np.array([[0.2], [0.9], [0.5], [0.7]])
    assert solve(scores, np.array([2])) == [(1, 0), (3, 0)]


def test_participation_trades_score_for_more_people():
    # Mentee 0 is the best fit for mentor 0, but only mentor 0 can take mentee 1.
    scores = np.array([[1.0, 0.1], [0.6, np.nan]])
    capacity = np.array([1, 1])
    assert solve(scores, capacity, objective="score") == [(0, 0)]  # 1.0 beats 0.6 + 0.1
    assert solve(scores, capacity, objective="participation") == [(0, 1), (1, 0)]


def test_zero_capacity_and_forbidden_pairs_are_respected():
    scores = np.array([[0.9, 0.8, np.nan], [0.9, np.nan, 0.1]])
    assert solve(scores, np.array([0, 1, 1])) == [(0, 1), (1, 2)]


def test_a_mentee_whose_only_allowed_mentors_are_full_gets_nothing_forbidden():
    # Mentee 0 is allowed only with mentors who have no places, and forbidden with those who have some:
    # a tiny candidate list must not pick a forbidden pair to fill itself up (a regression).
    scores = np.array([[0.7, 0.3, np.nan, np.nan, 0.5, np.nan], [np.nan, np.nan, 0.4, 0.9, np.nan, 0.2]])
    capacity = np.array([0, 0, 4, 1, 0, 3])
    for candidates in (1, 2):
        with flow_method(candidates=candidates):
            assert solve(scores, capacity) == [(1, 3)]
            assert solve(scores, capacity, objective="participation") == [(1, 3)]


def test_zero_score_pairs_are_matched_rather_than_left():
    scores = np.zeros((3, 2))
    pairs = solve(scores, np.array([1, 1]))
    assert len(pairs) == 2
    with flow_method():
        assert len(solve(scores, np.array([1, 1]))) == 2


@pytest.mark.parametrize(
    "scores, capacity",
    [
        (np.zeros((0, 3)), np.array([1, 1, 1])),
        (np.zeros((3, 0)), np.zeros(0, dtype=int)),
        (np.zeros((0, 0)), np.zeros(0, dtype=int)),
        (np.full((4, 3), np.nan), np.array([2, 2, 2])),
        (np.full((4, 3), 0.5), np.array([0, 0, 0])),
    ],
)
def test_nothing_to_match(scores, capacity):
    assert solve(scores, capacity) == []
    assert solve(scores, capacity, objective="participation") == []
    with flow_method():
        assert solve(scores, capacity) == []


def test_same_input_same_answer():
    rng = np.random.default_rng(7)
    scores = np.round(rng.random((300, 50)) * 3) / 3
    capacity = rng.integers(1, 6, 50)
    with flow_method():
        first = solve(scores, capacity)
        assert solve(scores, capacity) == first


def test_accepts_lists_float32_and_integral_float_capacities():
    assert solve([[0.5, 1.0]], [1, 1]) == [(0, 1)]
    assert solve(np.array([[0.5, 1.0]], dtype=np.float32), np.array([1.0, 1.0])) == [(0, 1)]
    assert solve(np.array([[0, 1]]), np.array([1, 1], dtype=np.uint8)) == [(0, 1)]


@pytest.mark.parametrize(
    "scores, capacity, objective, message",
    [
        (np.zeros((2, 3)), np.array([1, 1]), "score", r"Shape mismatch: scores has 3 mentor column\(s\) but"),
        (np.zeros(3), np.array([1, 1, 1]), "score", r"scores must be a 2-D array"),
        (np.zeros((2, 2)), np.array([[1, 1]]), "score", r"mentor_capacity must be a 1-D array"),
        (np.zeros((2, 2)), np.array([1, -1]), "score", r"mentor_capacity must be >= 0; mentor 1 has -1"),
        (np.zeros((2, 2)), np.array([1.5, 1]), "score", r"whole numbers"),
        (np.zeros((2, 2)), np.array([np.nan, 1]), "score", r"whole numbers"),
        (np.zeros((2, 2)), np.array(["1", "1"]), "score", r"whole numbers"),
        (np.zeros((2, 2)), np.array([True, True]), "score", r"whole numbers"),
        (np.array([[0.5, 1.2]]), np.array([1, 1]), "score", r"scores must lie in \[0, 1\]"),
        (np.array([[-0.1, np.nan]]), np.array([1, 1]), "score", r"scores must lie in \[0, 1\]"),
        (np.array([[np.inf, 0.5]]), np.array([1, 1]), "score", r"scores must lie in \[0, 1\]"),
        (np.array([["a", "b"]]), np.array([1, 1]), "score", r"scores must be real numbers"),
        (np.array([[True, False]]), np.array([1, 1]), "score", r"scores must be real numbers"),
        (np.zeros((2, 2)), np.array([1, 1]), "fairness", r"Unknown objective 'fairness'"),
        (np.zeros((2, 2)), np.array([1, 1]), None, r"Unknown objective None"),
    ],
)
def test_invalid_input_raises_a_clear_value_error(scores, capacity, objective, message):
    with pytest.raises(ValueError, match=message):
        solve(scores, capacity, objective=objective)


def test_nan_is_never_mistaken_for_out_of_range():
    scores = np.array([[np.nan, 1.0], [0.0, np.nan]])
    assert solve(scores, np.array([1, 1])) == [(0, 1), (1, 0)]


def test_flow_method_with_tiny_scores():
    """Regression (found by hypothesis): a denormal best score must not make the integer scale infinite."""
    with flow_method(candidates=1, slack=0.0):
        assert solve(np.array([[2.2e-311]]), np.array([1])) == [(0, 0)]


def test_flow_method_when_no_pair_is_usable():
    """Regression (found by hypothesis): the only open mentor is forbidden, so the candidate batch is empty."""
    with flow_method(candidates=1, slack=0.0):
        check_against_brute_force(np.array([[np.nan, 0.0]]), np.array([1, 0]), tolerance=solver.GAP_TOLERANCE)
