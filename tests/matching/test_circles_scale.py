"""Circles of large programs (issue 16): above circles.NEIGHBOURHOOD_FROM members a member's swaps are sought
among its best-fitting circles only. The same quality checks as tests/matching/test_circles.py hold on that
path (patched to start at a small size here), and its circles are nearly as good as the full search's."""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
import pytest

from matching import circles
from matching.circles import form_circles

from .test_circles import assert_valid, pairs_of, random_case


@pytest.fixture
def neighbourhood():
    with mock.patch.multiple(circles, NEIGHBOURHOOD_FROM=10, NEIGHBOUR_CIRCLES=3):
        yield


def value(result, scores, peer, departments) -> float:
    """The local search's objective: facilitator fit plus each circle's mean pair value."""
    pair = circles._pair_values(peer, departments, ())
    total = 0.0
    for facilitator, members in result:
        total += float(np.nansum(scores[members, facilitator]))
        if len(members) > 1:
            total += sum(pair[a, b] for a, b in itertools.combinations(members, 2)) / (len(members) - 1)
    return total


@pytest.mark.parametrize("seed", range(6))
def test_valid_and_everyone_seated(neighbourhood, seed):
    scores, peer, departments, capacity = random_case(seed, 120, 30, nan_share=0.1)
    capacity[:] = 6
    result = form_circles(scores, peer, departments, capacity, min_size=3, max_size=6)
    assert_valid(result, scores, capacity, 3, 6)
    assert sum(len(m) for _, m in result) == 120


def test_nearly_as_good_as_the_full_search(neighbourhood):
    scores, peer, departments, capacity = random_case(7, 300, 60, nan_share=0.05)
    capacity[:] = 8
    near = form_circles(scores, peer, departments, capacity, min_size=4, max_size=8)
    with mock.patch.object(circles, "NEIGHBOURHOOD_FROM", 10**9):
        full = form_circles(scores, peer, departments, capacity, min_size=4, max_size=8)
    assert near != full  # the neighbourhood path did run
    assert value(near, scores, peer, departments) >= 0.98 * value(full, scores, peer, departments)


def test_no_pair_repeats_and_departments_mix(neighbourhood):
    scores, peer, departments, capacity = random_case(3, 48, 12, nan_share=0.0)
    capacity[:] = 4
    first = form_circles(scores, peer, departments, capacity, min_size=4, max_size=4)
    second = form_circles(scores, peer, departments, capacity, min_size=4, max_size=4, previous_pairs=pairs_of(first))
    assert_valid(second, scores, capacity, 4, 4)
    assert sum(len(m) for _, m in second) == 48
    assert not pairs_of(second) & pairs_of(first)
    mixed = ["Sales"] * 16 + ["Engineering"] * 16 + ["People"] * 16
    flat = np.full((48, 12), 0.6)
    result = form_circles(flat, np.full((48, 48), 0.5), mixed, np.full(12, 4), min_size=4, max_size=4)
    assert len(result) == 12
    for _, members in result:
        assert len({mixed[i] for i in members}) >= 2
