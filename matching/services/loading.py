"""From the database to the engine's plain data: the Profiles of a program's people, the criteria, the pairs
to avoid, what each mentor has room for, and the matches a run keeps.

Everything is read in a constant number of queries, whatever the size of the cohort (one per table), and
management chains are walked in memory from one query of the organization's (id, manager_id) pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from django.utils import timezone

from identity.models import EmployeeGroupMember
from mentorhub.accounts.models import Employee
from programs.models import Participant, Program, ProgramAudienceGroup, Question

from ..models import LEAD_ROLES, ExcludedPair, Match, MatchMember
from ..profiles import Profile

# Mentors stay available while they have room, also once they mentor someone ("matched").
MENTOR_STATUSES = (Participant.Status.APPROVED, Participant.Status.MATCHED)
QUESTION_FIELDS = ("id", "prompt", "mentor_prompt", "type", "options", "rule", "weight", "audience")
PARTICIPANT_FIELDS = (
    "id",
    "employee_id",
    "role",
    "status",
    "answers",
    "capacity",
    "employee__department",
    "employee__job_level",
    "employee__location",
    "employee__time_zone",
    "employee__left_on",
)


@dataclass
class CurrentMatch:
    """A current (proposed, approved or active) match as loading sees it."""

    match_id: int
    kind: str
    status: str
    pinned: bool
    score: float | None
    lead: int | None = None  # participant id of the mentor / facilitator
    followers: list[int] = field(default_factory=list)  # mentee / member participant ids


@dataclass
class Cohort:
    """Everything one run needs, as plain data."""

    program: Program
    questions: list[dict[str, Any]]
    mentees: list[Profile]  # the people this run (re)matches: mentees, or circle members
    mentors: list[Profile]  # every available mentor / facilitator
    remaining: np.ndarray  # per mentor: capacity minus the matches this run keeps
    excluded: set[tuple[int, int]]  # (mentee participant id, mentor participant id)
    kept: list[CurrentMatch]  # current matches that stay as they are
    replaced: list[int]  # ids of proposed matches this run replaces (discarded when it writes)
    previous_pairs: set[tuple[int, int]] = field(default_factory=set)  # circles: employee id pairs met before
    scope: frozenset[int] = frozenset()
    # Circles formed within groups: the program's audience group ids, and {participant id: their groups}.
    audience_groups: list[int] = field(default_factory=list)
    groups: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def mentor_index(self) -> dict[int, int]:
        return {p.participant_id: i for i, p in enumerate(self.mentors)}


def manager_chains(pairs: list[tuple[int, int | None]]) -> dict[int, frozenset[int]]:
    """{employee id: ids of all their managers up the chain}. A cycle in the roster data ends the walk."""
    manager_of = dict(pairs)
    chains: dict[int, frozenset[int]] = {}

    def chain(employee_id: int) -> frozenset[int]:
        if employee_id in chains:
            return chains[employee_id]
        seen: list[int] = []
        current = manager_of.get(employee_id)
        while current is not None and current not in seen and current != employee_id:
            if current in chains:  # reuse the part of the chain already walked
                seen.extend(m for m in chains[current] if m not in seen)
                seen.append(current)
                break
            seen.append(current)
            current = manager_of.get(current)
        chains[employee_id] = frozenset(seen) - {employee_id}
        return chains[employee_id]

    return {employee_id: chain(employee_id) for employee_id in manager_of}


def program_questions(organization_id: int, program: Program) -> list[dict[str, Any]]:
    return list(
        Question.objects.filter(organization_id=organization_id, program=program)
        .order_by("position", "id")
        .values(*QUESTION_FIELDS)
    )


def profile_of(row: dict[str, Any], chains: dict[int, frozenset[int]], default_capacity: int) -> Profile:
    return Profile(
        participant_id=row["id"],
        employee_id=row["employee_id"],
        role=Participant.Role.MENTOR if row["role"] == Participant.Role.MENTOR else Participant.Role.MENTEE,
        answers=row["answers"] or {},
        department=row["employee__department"] or "",
        job_level=row["employee__job_level"] or 0,
        location=row["employee__location"] or "",
        time_zone=row["employee__time_zone"] or "UTC",
        manager_chain=chains.get(row["employee_id"], frozenset()),
        capacity=(row["capacity"] or default_capacity) if row["role"] == Participant.Role.MENTOR else 1,
    )


def current_matches(organization_id: int, program: Program) -> dict[int, CurrentMatch]:
    rows = MatchMember.objects.filter(organization_id=organization_id, program=program, current=True).values_list(
        "match_id", "participant_id", "role", "match__kind", "match__status", "match__pinned", "match__score"
    )
    found: dict[int, CurrentMatch] = {}
    for match_id, participant_id, role, kind, status, pinned, score in rows:
        current = found.setdefault(match_id, CurrentMatch(match_id, kind, status, pinned, score))
        if role in LEAD_ROLES:
            current.lead = participant_id
        else:
            current.followers.append(participant_id)
    return found


def load_cohort(
    *,
    organization_id: int,
    program: Program,
    scope_participant_ids: list[int] | None = None,
    participant_ids: list[int] | None = None,
    replace_proposals: bool = True,
) -> Cohort:
    """The cohort of one run. `scope_participant_ids`: only these mentees / members are (re)matched (a
    re-match after a decline); mentors are always every available one. `participant_ids` narrows the
    mentees loaded at all (suggestions for one mentee), without changing what counts as kept. With
    `replace_proposals=False` every current match counts as kept (suggestions: a proposal takes a place)."""
    scope = frozenset(scope_participant_ids or ())
    today = timezone.localdate()
    questions = program_questions(organization_id, program)
    rows = list(
        Participant.objects.filter(organization_id=organization_id, program=program)
        .filter(status__in=MENTOR_STATUSES)
        .values(*PARTICIPANT_FIELDS)
        .order_by("id")
    )
    # Someone who has left the company is not matched, whatever their enrollment says.
    rows = [r for r in rows if r["employee__left_on"] is None or r["employee__left_on"] > today]
    chains = manager_chains(
        list(Employee.objects.filter(organization_id=organization_id).values_list("id", "manager_id"))
    )
    matches = current_matches(organization_id, program)

    kept: list[CurrentMatch] = []
    replaced: list[int] = []
    for current in matches.values():
        # A proposal is replaced when it is not pinned and its people are (re)matched by this run; approved
        # and active matches, pinned proposals and proposals outside a re-match's scope stay.
        in_scope = not scope or any(f in scope for f in current.followers)
        if replace_proposals and current.status == Match.Status.PROPOSED and not current.pinned and in_scope:
            replaced.append(current.match_id)
        else:
            kept.append(current)
    taken = {f for current in kept for f in current.followers}
    load: defaultdict[int, int] = defaultdict(int)
    for current in kept:
        if current.lead is not None:
            load[current.lead] += len(current.followers) if program.is_group else 1

    mentees, mentors = [], []
    for row in rows:
        if row["role"] == Participant.Role.MENTOR:
            mentors.append(profile_of(row, chains, program.default_mentor_capacity))
        elif row["status"] == Participant.Status.APPROVED and row["id"] not in taken:
            if scope and row["id"] not in scope:
                continue
            if participant_ids is not None and row["id"] not in participant_ids:
                continue
            mentees.append(profile_of(row, chains, program.default_mentor_capacity))
    remaining = np.array([max(0, m.capacity - load[m.participant_id]) for m in mentors], dtype=np.int64)
    excluded = set(
        ExcludedPair.objects.filter(organization_id=organization_id, program=program).values_list(
            "mentee_id", "mentor_id"
        )
    )
    cohort = Cohort(
        program=program,
        questions=questions,
        mentees=mentees,
        mentors=mentors,
        remaining=remaining,
        excluded=excluded,
        kept=kept,
        replaced=replaced,
        scope=scope,
    )
    if program.is_group:
        cohort.previous_pairs = previous_circle_pairs(organization_id, program)
        if program.circles_within_groups:
            cohort.audience_groups, cohort.groups = participant_groups(organization_id, program, rows)
    return cohort


def participant_groups(
    organization_id: int, program: Program, rows: list[dict[str, Any]]
) -> tuple[list[int], dict[int, frozenset[int]]]:
    """The program's audience group ids, and each participant's groups among them (two queries)."""
    audience = sorted(
        ProgramAudienceGroup.objects.filter(organization_id=organization_id, program=program).values_list(
            "group_id", flat=True
        )
    )
    by_employee: defaultdict[int, set[int]] = defaultdict(set)
    memberships = EmployeeGroupMember.objects.filter(
        organization_id=organization_id, group_id__in=audience, employee_id__in=[r["employee_id"] for r in rows]
    ).values_list("employee_id", "group_id")
    for employee_id, group_id in memberships:
        by_employee[employee_id].add(group_id)
    return audience, {r["id"]: frozenset(by_employee.get(r["employee_id"], ())) for r in rows}


def previous_circle_pairs(organization_id: int, program: Program) -> set[tuple[int, int]]:
    """Pairs of employees (smaller id first) who sat in a circle together before: in an earlier round of
    this program or in another group program of the organization. Current circles of this program are not
    "before": they are what a run keeps or replaces."""
    rows = (
        MatchMember.objects.filter(organization_id=organization_id, match__kind=Match.Kind.CIRCLE, role="member")
        .filter(match__status__in=[Match.Status.ACTIVE, Match.Status.COMPLETED, Match.Status.ENDED])
        .exclude(program=program, current=True)
        .values_list("match_id", "participant__employee_id")
    )
    by_match: dict[int, list[int]] = defaultdict(list)
    for match_id, employee_id in rows:
        by_match[match_id].append(employee_id)
    pairs: set[tuple[int, int]] = set()
    for employees in by_match.values():
        pairs.update(combinations(sorted(set(employees)), 2))
    return pairs
