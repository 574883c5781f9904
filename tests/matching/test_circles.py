"""Circles: sizes within bounds, facilitators within capacity, no forbidden facilitator, a mix of
departments, no member pair repeated from an earlier round when avoidable, determinism. No database."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.circles import form_circles


def pairs_of(circles) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for _, members in circles for a, b in itertools.combinations(members, 2)}


def assert_valid(circles, scores, capacity, min_size, max_size):
    facilitators = [f for f, _ in circles]
    assert facilitators == sorted(set(facilitators)), "a facilitator leads two circles"
    seated = [i for _, members in circles for i in members]
    assert len(seated) == len(set(seated)), "a member in two circles"
    for facilitator, members in circles:
        assert members == sorted(members)
        assert min_size <= len(members) <= min(max_size, capacity[facilitator])
        assert not np.isnan(scores[members, facilitator]).any(), "a member with a facilitator they may not have"


def random_case(seed: int, members: int, facilitators: int, nan_share: float = 0.1):
    rng = np.random.default_rng(seed)
    scores = rng.random((members, facilitators))
    scores[rng.random(scores.shape) < nan_share] = np.nan
    peer = rng.random((members, members))
    peer = (peer + peer.T) / 2
    np.fill_diagonal(peer, np.nan)
    departments = [str(d) for d in rng.choice(["Sales", "Engineering", "People", "Finance"], size=members)]
    capacity = rng.integers(2, 9, facilitators)
    return scores, peer, departments, capacity


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.integers(0, 40),
    st.integers(0, 10),
    st.integers(2, 5),
    st.integers(0, 3),
    st.floats(0, 0.6),
)
def test_circles_are_always_valid(seed, members, facilitators, min_size, extra, nan_share):
    scores, peer, departments, capacity = random_case(seed, members, facilitators, nan_share)
    max_size = min_size + extra
    circles = form_circles(scores, peer, departments, capacity, min_size=min_size, max_size=max_size)
    assert_valid(circles, scores, capacity, min_size, max_size)


def test_everyone_is_seated_when_there_is_room():
    scores, peer, departments, capacity = random_case(1, 60, 15, nan_share=0.0)
    capacity[:] = 6
    circles = form_circles(scores, peer, departments, capacity, min_size=4, max_size=6)
    assert_valid(circles, scores, capacity, 4, 6)
    assert sum(len(m) for _, m in circles) == 60


def test_too_few_members_or_facilitators_gives_no_circle():
    scores, peer, departments, capacity = random_case(2, 3, 2)
    assert form_circles(scores, peer, departments, capacity, min_size=4, max_size=6) == []
    scores, peer, departments, _ = random_case(2, 10, 2)
    assert form_circles(scores, peer, departments, np.array([3, 2]), min_size=4, max_size=6) == []
    assert form_circles(np.zeros((0, 0)), np.zeros((0, 0)), [], np.zeros(0, int), min_size=2, max_size=3) == []


def test_an_underfilled_circle_is_dissolved_and_its_members_reseated():
    # Nine members, two facilitators taking five each, sizes 4-5: two circles (5 + 4), nobody left.
    scores = np.full((9, 3), 0.5)
    scores[:, 2] = np.nan  # the third facilitator may take nobody
    peer = np.full((9, 9), 0.5)
    circles = form_circles(scores, peer, ["A"] * 9, np.array([5, 5, 5]), min_size=4, max_size=5)
    assert sorted(len(m) for _, m in circles) == [4, 5]
    assert [f for f, _ in circles] == [0, 1]


def test_circles_mix_departments():
    # Twelve members in three departments of four; three circles of four: each circle gets all three.
    departments = ["Sales"] * 4 + ["Engineering"] * 4 + ["People"] * 4
    scores = np.full((12, 3), 0.6)
    peer = np.full((12, 12), 0.5)
    circles = form_circles(scores, peer, departments, np.array([4, 4, 4]), min_size=4, max_size=4)
    assert len(circles) == 3
    for _, members in circles:
        assert len({departments[i] for i in members}) == 3


def test_fit_with_the_facilitator_and_with_each_other_counts():
    # Members 0-3 love facilitator 0 and each other; 4-7 love facilitator 1 and each other.
    scores = np.full((8, 2), 0.1)
    scores[:4, 0] = scores[4:, 1] = 0.9
    peer = np.full((8, 8), 0.0)
    peer[:4, :4] = peer[4:, 4:] = 1.0
    circles = form_circles(scores, peer, ["A"] * 8, np.array([4, 4]), min_size=4, max_size=4)
    assert circles == [(0, [0, 1, 2, 3]), (1, [4, 5, 6, 7])]


def test_no_pair_repeats_from_an_earlier_round_when_avoidable():
    scores, peer, departments, capacity = random_case(3, 24, 6, nan_share=0.0)
    capacity[:] = 4
    first = form_circles(scores, peer, departments, capacity, min_size=4, max_size=4)
    assert sum(len(m) for _, m in first) == 24
    second = form_circles(scores, peer, departments, capacity, min_size=4, max_size=4, previous_pairs=pairs_of(first))
    assert_valid(second, scores, capacity, 4, 4)
    assert sum(len(m) for _, m in second) == 24
    assert not pairs_of(second) & pairs_of(first)


def test_members_who_may_not_meet_are_kept_apart():
    scores = np.full((8, 2), 0.5)
    peer = np.full((8, 8), 0.5)
    peer[0, 1] = peer[1, 0] = np.nan  # e.g. no common language
    peer[0, 2] = peer[2, 0] = np.nan
    circles = form_circles(scores, peer, ["A"] * 8, np.array([4, 4]), min_size=4, max_size=4)
    for _, members in circles:
        assert not ({0, 1} <= set(members) or {0, 2} <= set(members))


def test_deterministic():
    scores, peer, departments, capacity = random_case(4, 50, 12)
    args = (scores, peer, departments, capacity)
    assert form_circles(*args, min_size=3, max_size=6) == form_circles(*args, min_size=3, max_size=6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"member_member_fit": np.zeros((3, 2))}, "member_member_fit must be 4 x 4"),
        ({"departments": ["A"]}, "departments must have 4 entries"),
        ({"facilitator_capacity": np.array([1])}, "facilitator_capacity must have 2 entries"),
        ({"min_size": 5, "max_size": 4}, "min_size <= max_size"),
    ],
)
def test_invalid_input(kwargs, message):
    args = {
        "scores_member_x_facilitator": np.zeros((4, 2)),
        "member_member_fit": np.zeros((4, 4)),
        "departments": ["A"] * 4,
        "facilitator_capacity": np.array([4, 4]),
        "min_size": 2,
        "max_size": 4,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        form_circles(**args)
