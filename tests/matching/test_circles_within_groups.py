"""Circles within groups: when a circle program's circles are formed within its audience groups, every
circle's facilitator and members all belong to one same group (a hard constraint), in the engine's numpy
core and through a real run (new circles and a re-match joining existing ones)."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identity.services.groups import group_create
from matching.circles import circle_groups, form_circles
from matching.models import Match, MatchMember
from matching.services.loading import load_cohort
from programs.models import Program, ProgramAudienceGroup

from .builders import engine_cohort, run_now
from .test_circles import assert_valid, random_case


def assert_within_groups(circles, member_groups, facilitator_groups):
    for facilitator, members in circles:
        shared = facilitator_groups[facilitator] & member_groups[members].all(axis=0)
        assert shared.any(), f"circle of facilitator {facilitator} shares no group: {members}"


@pytest.mark.parametrize("seed", range(25))
def test_every_circle_lies_within_one_group(seed):
    rng = np.random.default_rng(seed)
    members, facilitators, groups = int(rng.integers(4, 40)), int(rng.integers(1, 9)), int(rng.integers(1, 4))
    scores, peer, departments, capacity = random_case(seed, members, facilitators, nan_share=0.1)
    member_groups = rng.random((members, groups)) < 0.5
    facilitator_groups = rng.random((facilitators, groups)) < 0.6
    circles = form_circles(
        scores,
        peer,
        departments,
        capacity,
        min_size=2,
        max_size=5,
        member_groups=member_groups,
        facilitator_groups=facilitator_groups,
    )
    assert_valid(circles, scores, capacity, 2, 5)
    assert_within_groups(circles, member_groups, facilitator_groups)


def test_groups_win_over_a_better_fit_across_groups():
    # Facilitator 0 fits everyone best, but leads group A only; group B's members go to facilitator 1.
    scores = np.array([[0.9, 0.1]] * 6)
    member_groups = np.array([[True, False]] * 3 + [[False, True]] * 3)
    facilitator_groups = np.array([[True, False], [False, True]])
    peer = np.full((6, 6), 0.5)
    capacity = np.array([6, 6])
    free = form_circles(scores, peer, ["X"] * 6, capacity, min_size=3, max_size=6)
    assert not all(
        facilitator_groups[f] @ member_groups[m].all(axis=0) for f, m in free
    )  # without the constraint the groups mix
    within = form_circles(
        scores,
        peer,
        ["X"] * 6,
        capacity,
        min_size=3,
        max_size=6,
        member_groups=member_groups,
        facilitator_groups=facilitator_groups,
    )
    assert within == [(0, [0, 1, 2]), (1, [3, 4, 5])]


def test_a_group_too_small_for_a_circle_gets_none_and_nobody_is_misplaced():
    scores = np.full((5, 2), 0.5)
    member_groups = np.array([[True, False]] * 4 + [[False, True]])
    facilitator_groups = np.array([[True, False], [False, True]])
    circles = form_circles(
        scores,
        np.full((5, 5), 0.5),
        ["X"] * 5,
        np.array([4, 4]),
        min_size=2,
        max_size=4,
        member_groups=member_groups,
        facilitator_groups=facilitator_groups,
    )
    assert circles == [(0, [0, 1, 2, 3])]


def test_a_facilitator_in_several_groups_goes_where_places_are_missing():
    member_groups = np.array([[True, False]] * 2 + [[False, True]] * 6)
    facilitator_groups = np.array([[True, False], [True, True]])
    assert circle_groups(member_groups, facilitator_groups, np.array([4, 4])).tolist() == [0, 1]
    assert circle_groups(member_groups, np.array([[False, False]]), np.array([4])).tolist() == [-1]


def test_both_group_matrices_are_needed():
    scores, peer, departments, capacity = random_case(3, 6, 2)
    with pytest.raises(ValueError, match="together"):
        form_circles(scores, peer, departments, capacity, min_size=2, max_size=3, member_groups=np.ones((6, 1)))


# --- Through a real run -----------------------------------------------------------------------------------


@pytest.fixture
def grouped(org, admin):
    """A circle program within two audience groups, where the Python facilitator is in group B but group A's
    members all want Python: without the constraint they would join group B's circle."""
    cohort = engine_cohort(
        org,
        kind=Program.Kind.GROUP,
        circle_min_size=2,
        circle_max_size=4,
        default_mentor_capacity=4,
        circles_within_groups=True,
    )
    a = group_create(organization=org, actor=admin.user, display_name="Women in Leadership")
    b = group_create(organization=org, actor=admin.user, display_name="Veterans Network")
    for group in (a, b):
        ProgramAudienceGroup.objects.create(organization=org, program=cohort.program, group=group)
    people = {
        "lead_a": cohort.add("mentor", skills=["Leadership"], capacity=4, level=7, name="Lead A"),
        "lead_b": cohort.add("mentor", skills=["Python"], capacity=4, level=7, name="Lead B"),
    }
    for n in range(3):
        people[f"a{n}"] = cohort.add("mentee", skills=["Python"], name=f"A member {n}")
        people[f"b{n}"] = cohort.add("mentee", skills=["Leadership"], name=f"B member {n}")
    for key, participant in people.items():
        group = a if key.endswith("_a") or key.startswith("a") else b
        group.memberships.create(organization=org, employee=participant.employee)
    cohort.groups = {"a": a, "b": b}  # type: ignore[attr-defined]
    cohort.people = people  # type: ignore[attr-defined]
    return cohort


def _circles(run):
    circles: dict[int, set[str]] = {}
    for match_id, name in MatchMember.objects.filter(match__run=run).values_list(
        "match_id", "participant__employee__name"
    ):
        circles.setdefault(match_id, set()).add(name)
    return sorted(sorted(names) for names in circles.values())


def test_a_run_forms_circles_within_groups(org, admin, grouped, django_capture_on_commit_callbacks):
    run = run_now(org, admin.user, grouped.program, django_capture_on_commit_callbacks)
    assert _circles(run) == [
        ["A member 0", "A member 1", "A member 2", "Lead A"],
        ["B member 0", "B member 1", "B member 2", "Lead B"],
    ]


def test_a_re_match_joins_a_circle_of_its_own_group(org, admin, grouped, django_capture_on_commit_callbacks):
    run_now(org, admin.user, grouped.program, django_capture_on_commit_callbacks)
    late = grouped.add("mentee", skills=["Python"], name="Late A member")
    grouped.groups["a"].memberships.create(organization=org, employee=late.employee)
    rerun = run_now(
        org, admin.user, grouped.program, django_capture_on_commit_callbacks, scope_participant_ids=[late.pk]
    )
    joined = Match.objects.get(run=rerun) if Match.objects.filter(run=rerun).exists() else None
    circle = joined or Match.objects.get(members__participant=late, members__current=True)
    names = set(circle.members.filter(current=True).values_list("participant__employee__name", flat=True))
    assert "Lead A" in names and "Lead B" not in names


def test_loading_reads_the_groups_in_two_more_queries(org, grouped, django_assert_num_queries):
    program = grouped.program
    Program.objects.filter(pk=program.pk).update(circles_within_groups=False)
    program.refresh_from_db()
    with CaptureQueriesContext(connection) as without:
        load_cohort(organization_id=org.pk, program=program)
    Program.objects.filter(pk=program.pk).update(circles_within_groups=True)
    program.refresh_from_db()
    with django_assert_num_queries(len(without.captured_queries) + 2):
        loaded = load_cohort(organization_id=org.pk, program=program)
    lead_b = grouped.people["lead_b"]
    assert loaded.audience_groups == sorted(g.pk for g in grouped.groups.values())
    assert loaded.groups[lead_b.pk] == frozenset({grouped.groups["b"].pk})
