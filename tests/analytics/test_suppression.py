"""Small-group suppression: the rules, and a property that matters most: from what is published (the
visible parts and the whole), no hidden part can be worked out exactly."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from analytics import suppression as s

K = 5


def test_a_small_group_is_fewer_than_k_never_a_number():
    assert s.count(4, K).text() == "fewer than 5"
    assert s.count(0, K).text() == "fewer than 5"
    assert s.count(5, K).text() == "5"
    figure = s.figure(88.5, 3, K)
    assert figure.value is None and figure.n is None and not figure.shown
    assert figure.as_json() == {"value": None, "n": None, "suppressed": True, "reason": "fewer than 5"}
    assert s.figure(88.5, 12, K).as_json() == {"value": 88.5, "n": 12, "suppressed": False}
    assert s.count(3, 3).text() == "3"  # an organization may set its own minimum


def test_hidden_parts_never_add_up_to_a_small_group():
    # Legal (3) and Ops (1) hidden: the whole minus Sales would be 4 people, so Sales is hidden too.
    assert s.partition({"Sales": 20, "Legal": 3, "Ops": 1}, K) == {
        "Sales": s.COMPLEMENTARY,
        "Legal": s.PRIMARY,
        "Ops": s.PRIMARY,
    }


def test_one_hidden_part_takes_a_second_with_it():
    hidden = s.partition({"Sales": 20, "Legal": 3, "Finance": 9, "People": 30}, K)
    assert hidden == {"Sales": "", "Legal": s.PRIMARY, "Finance": s.COMPLEMENTARY, "People": ""}
    assert s.partition({"A": 10, "B": 2, "C": 7}, K) == {"A": "", "B": s.PRIMARY, "C": s.COMPLEMENTARY}
    assert all(s.partition({"A": 2, "B": 2}, K).values())  # the whole is small: nothing shown
    assert s.partition({"A": 10, "B": 12}, K) == {"A": "", "B": ""}
    assert s.partition({"A": 3}, K, whole_published=False) == {"A": s.PRIMARY}


@given(st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(min_value=0, max_value=40), min_size=1))
def test_no_hidden_part_can_be_recovered_from_the_whole(parts):
    hidden = s.partition(parts, K)
    secret = [key for key, reason in hidden.items() if reason]
    visible = sum(size for key, size in parts.items() if not hidden[key])
    assert all(hidden[key] for key, size in parts.items() if size < K)  # every small part is hidden
    if secret and sum(parts.values()) >= K:
        # The whole minus the visible parts is shared by at least two hidden parts, and is not a small group.
        assert len(secret) >= 2 or len(parts) == 1
        assert sum(parts.values()) - visible >= K or len(secret) == len(parts)


def test_nested_stages_never_lose_a_small_group():
    # 40 enrolled, 38 matched (2 not matched: a small group), 30 met, 29 active at 90 days, 3 completed.
    assert s.chain([40, 38, 30, 29, 3], K) == ["", s.COMPLEMENTARY, "", s.COMPLEMENTARY, s.PRIMARY]
    assert s.chain([40, 40, 35], K) == ["", "", ""]


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=6).map(lambda xs: sorted(xs, reverse=True))
)
def test_any_two_shown_stages_differ_by_none_or_at_least_k(stages):
    reasons = s.chain(stages, K)
    shown = [size for size, reason in zip(stages, reasons, strict=True) if not reason]
    assert all(size >= K for size in shown)
    for bigger, smaller in pairwise(shown):
        assert bigger - smaller == 0 or bigger - smaller >= K


def test_a_filtered_view_must_not_single_out_the_rest():
    assert s.filtered_view_allowed(40, 40, K)  # the filter selects everyone
    assert s.filtered_view_allowed(30, 40, K)
    assert not s.filtered_view_allowed(37, 40, K)  # "all" minus "this" would show 3 people
    assert not s.filtered_view_allowed(4, 40, K)
