"""The computing part of a run, between loading and writing: score, solve (pairs) or form circles, explain
each result and say why each unmatched person is unmatched. No database access here."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import blocked, circles, scoring, solver
from ..explanations import Explainer
from ..profiles import Profile
from .loading import Cohort
from .pairs import SCORE_DIGITS, combine, rounded

HISTOGRAM_BINS = 10
# Unmatched reasons are found by explaining the person with a sample of mentors: enough to name the rule
# that rules them all out, cheap enough for thousands of unmatched people.
REASON_SAMPLE = 24
# A pair program larger than blocked.LARGE_COHORT_CELLS (mentees x mentors) is scored and solved block by
# block, never as a matrix; it gets this long to prove its answer optimal, then keeps its best answer so far
# with the measured gap (the run's figures and page say so).
BLOCKED_BUDGET_SECONDS = 300.0


@dataclass
class Proposed:
    """One result of a run: a pair, a new circle, or members added to an existing circle (`match_id`)."""

    lead: int  # mentor / facilitator participant id
    followers: list[int]  # mentee / member participant ids
    score: float | None
    explanation: list[dict[str, Any]]
    match_id: int | None = None
    pinned: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"mentor": self.lead, "members": self.followers, "score": self.score}
        if self.match_id is not None:
            data["match"] = self.match_id
        if self.pinned:
            data["pinned"] = True
        return data


@dataclass
class Outcome:
    proposed: list[Proposed]
    unmatched: list[dict[str, Any]]  # {participant_id, code, reason}
    timings: dict[str, float] = field(default_factory=dict)
    certificate: dict[str, Any] | None = None  # the blocked path's proof: total, upper, gap, proven, rounds


class Engine:
    """Runs the engine modules over one cohort."""

    def __init__(self, cohort: Cohort, *, weights: dict[str, float] | None, objective: str) -> None:
        self.cohort = cohort
        self.program = cohort.program
        self.objective = objective
        self.criteria = scoring.criteria_for(self.program.kind, cohort.questions, weights or None)
        self.excluded = frozenset(cohort.excluded)
        self._joined: dict[int, int] = {}  # re-match of circle members: facilitator index -> circle joined
        self.timings: dict[str, float] = {}
        self.scores: np.ndarray | None = None
        # Large pair programs: the scores as blocks of rows, and the solved pairs' scores (no matrix).
        self.source: scoring.ScoreBlocks | None = None
        self._pair_scores: dict[tuple[int, int], float] = {}
        self.certificate: dict[str, Any] | None = None
        self.explainer = Explainer(
            self.criteria,
            program_kind=self.program.kind,
            max_tz_gap_hours=self.program.max_time_zone_gap_hours,
            excluded=self.excluded,
        )

    @property
    def large(self) -> bool:
        """Whether this cohort is scored and solved block by block (see BLOCKED_BUDGET_SECONDS)."""
        cells = len(self.cohort.mentees) * len(self.cohort.mentors)
        return not self.program.is_group and cells > blocked.LARGE_COHORT_CELLS

    @property
    def _matrix(self) -> np.ndarray:
        """The score matrix, once score() computed it."""
        assert self.scores is not None, "score() first"
        return self.scores

    # --- Steps ---------------------------------------------------------------------------------------

    def score(self) -> np.ndarray | None:
        started = time.perf_counter()
        if self.large:  # scored block by block while solving
            self.source = scoring.ScoreBlocks(
                self.cohort.mentees,
                self.cohort.mentors,
                self.criteria,
                program_kind=self.program.kind,
                max_tz_gap_hours=self.program.max_time_zone_gap_hours,
                excluded=self.excluded,
            )
            self.timings["score_s"] = time.perf_counter() - started
            return None
        self.scores = scoring.score_matrix(
            self.cohort.mentees,
            self.cohort.mentors,
            self.criteria,
            program_kind=self.program.kind,
            max_tz_gap_hours=self.program.max_time_zone_gap_hours,
            excluded=self.excluded,
        )
        self.timings["score_s"] = time.perf_counter() - started
        return self.scores

    def solve(self, *, explain: bool = True) -> Outcome:
        """Pairs, or circles for a group program. Call score() first. Without `explain` (a what-if run, which
        writes no matches) pairs keep only their score."""
        assert self.scores is not None or self.source is not None, "score() first"
        started = time.perf_counter()
        if self.program.is_group:
            groups = self._circles()
        elif self.source is not None:
            result = blocked.solve_blocked(
                self.source, self.cohort.remaining, objective=self.objective, budget_seconds=BLOCKED_BUDGET_SECONDS
            )
            self._pair_scores = dict(zip(result.pairs, result.scores, strict=True))
            proof = result.certificate
            self.certificate = {"engine": "blocked", "gap_percent": round(proof.gap * 100, 4), **proof.as_json()}
            groups = [(j, [i]) for i, j in result.pairs]
        else:
            matrix = self._matrix
            pairs = solver.solve(matrix, self.cohort.remaining, objective=self.objective) if matrix.size else []
            groups = [(j, [i]) for i, j in pairs]
        self.timings["solve_s"] = time.perf_counter() - started
        started = time.perf_counter()
        proposed = [self._proposed(j, members, explain=explain) for j, members in groups]
        matched = {i for _, members in groups for i in members}
        unmatched = self._unmatched([i for i in range(len(self.cohort.mentees)) if i not in matched])
        self.timings["explain_s"] = time.perf_counter() - started
        return Outcome(proposed=proposed, unmatched=unmatched, timings=self.timings, certificate=self.certificate)

    def _unmatched(self, indices: list[int]) -> list[dict[str, Any]]:
        """Each unmatched mentee's reason; a large cohort's rows come from the score blocks, a block at a time."""
        if self.source is None:
            return [self.unmatched_reason(i) for i in indices]
        found = []
        for start in range(0, len(indices), blocked.BLOCK_ROWS):
            chunk = indices[start : start + blocked.BLOCK_ROWS]
            rows = self.source.take(np.asarray(chunk, np.int64))
            found += [self.unmatched_reason(i, row) for i, row in zip(chunk, rows, strict=True)]
        return found

    # --- Circles -------------------------------------------------------------------------------------

    def _circles(self) -> list[tuple[int, list[int]]]:
        """Members into circles. A whole-program run forms new circles around the facilitators who lead
        none yet; a re-match (scope) adds its people to existing circles that have room."""
        cohort, scores = self.cohort, self._matrix
        if not cohort.mentees or not cohort.mentors:
            return []
        if cohort.scope:
            return self._join_circles()
        capacity = np.array(
            [cohort.remaining[j] if j not in self._leading else 0 for j in range(len(cohort.mentors))], dtype=np.int64
        )
        index_of = {p.employee_id: i for i, p in enumerate(cohort.mentees)}
        previous = {
            (min(index_of[a], index_of[b]), max(index_of[a], index_of[b]))
            for a, b in cohort.previous_pairs
            if a in index_of and b in index_of
        }
        member_groups, facilitator_groups = self._group_matrices()
        return circles.form_circles(
            scores,
            peer_fit(cohort.mentees, self.criteria, self.program),
            [p.department for p in cohort.mentees],
            capacity,
            min_size=self.program.circle_min_size,
            max_size=self.program.circle_max_size,
            previous_pairs=previous,
            member_groups=member_groups,
            facilitator_groups=facilitator_groups,
        )

    def _group_matrices(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Circles within groups: who of the members and facilitators is in which audience group; else None."""
        cohort = self.cohort
        if not self.program.circles_within_groups:
            return None, None
        column = {group: g for g, group in enumerate(cohort.audience_groups)}

        def matrix(people: list[Profile]) -> np.ndarray:
            found = np.zeros((len(people), len(column)), dtype=bool)
            for i, person in enumerate(people):
                for group in cohort.groups.get(person.participant_id, ()):
                    if group in column:
                        found[i, column[group]] = True
            return found

        return matrix(cohort.mentees), matrix(cohort.mentors)

    @property
    def _leading(self) -> set[int]:
        """Indices of facilitators who already lead a current circle."""
        leads = {current.lead for current in self.cohort.kept}
        return {j for j, p in enumerate(self.cohort.mentors) if p.participant_id in leads}

    def _join_circles(self) -> list[tuple[int, list[int]]]:
        """Place each member of a re-match in a kept circle with room, best facilitator fit first."""
        cohort, program = self.cohort, self.program
        mentor_index = cohort.mentor_index
        circles_with_room = [
            current
            for current in cohort.kept
            if current.lead in mentor_index and len(current.followers) < program.circle_max_size
        ]
        if not circles_with_room:
            return []
        leads = [c.lead for c in circles_with_room if c.lead is not None]  # all: None is no mentor's index
        columns = [mentor_index[lead] for lead in leads]
        room = np.array(
            [
                min(program.circle_max_size - len(c.followers), max(0, int(cohort.remaining[mentor_index[lead]])))
                for c, lead in zip(circles_with_room, leads, strict=True)
            ],
            dtype=np.int64,
        )
        scores = self._matrix[:, columns]
        if self.program.circles_within_groups:
            # A member joins only a circle whose facilitator and members all share one of the member's groups.
            shared = [
                frozenset.intersection(*(cohort.groups.get(p, frozenset()) for p in [lead, *circle.followers]))
                for circle, lead in zip(circles_with_room, leads, strict=True)
            ]
            allowed = np.array(
                [[bool(cohort.groups.get(m.participant_id, frozenset()) & s) for s in shared] for m in cohort.mentees],
                dtype=bool,
            ).reshape(len(cohort.mentees), len(shared))
            scores = np.where(allowed, scores, np.nan)
        pairs = solver.solve(np.ascontiguousarray(scores), room, objective="participation")
        grouped: dict[int, list[int]] = {}
        for i, k in pairs:
            grouped.setdefault(k, []).append(i)
        self._joined = {columns[k]: circles_with_room[k].match_id for k in grouped}
        return [(columns[k], members) for k, members in grouped.items()]

    # --- Results ------------------------------------------------------------------------------------

    def _explain(self, i: int, j: int):
        return self.explainer(self.cohort.mentees[i], self.cohort.mentors[j])

    def _proposed(self, j: int, members: list[int], *, explain: bool = True) -> Proposed:
        explanation: list[dict[str, Any]] = []
        if self.program.is_group:
            if explain:
                score, explanation = combine([self._explain(i, j) for i in members])
            else:
                score = rounded(float(np.mean([self._matrix[i, j] for i in members])))
        else:
            # A pair: the matrix (or the blocked solver) has its score; the parts come biggest first and add
            # up to it.
            pair = (members[0], j)
            score = rounded(self._pair_scores[pair] if self.source is not None else float(self._matrix[pair]))
            if explain:
                explanation = [
                    {"label": label, "contribution": round(value, SCORE_DIGITS)}
                    for label, value in self._explain(members[0], j).parts
                ]
        return Proposed(
            lead=self.cohort.mentors[j].participant_id,
            followers=[self.cohort.mentees[i].participant_id for i in members],
            score=score,
            explanation=explanation,
            match_id=self._joined.get(j),
        )

    def unmatched_reason(self, i: int, row: np.ndarray | None = None) -> dict[str, Any]:
        """Why mentee i got nobody: every mentor ruled out (by which rule, mostly), or the allowed ones full.
        `row`: the mentee's scores, when there is no matrix."""
        mentee: Profile = self.cohort.mentees[i]
        result = {"participant_id": mentee.participant_id}
        lead_word = "facilitator" if self.program.is_group else "mentor"
        if not self.cohort.mentors:
            return {**result, "code": "no_mentors", "reason": f"No {lead_word}s are available in this program."}
        if row is None:
            row = (
                self.scores[i]
                if self.scores is not None and self.scores.size
                else np.full(len(self.cohort.mentors), np.nan)
            )
        allowed = ~np.isnan(row)
        if not allowed.any():
            count = len(self.cohort.mentors)
            sample = np.unique(np.linspace(0, count - 1, num=min(count, REASON_SAMPLE)).astype(int))
            reasons = Counter(self._explain(i, int(j)).forbidden or "not allowed" for j in sample)
            reason = reasons.most_common(1)[0][0]
            return {**result, "code": "forbidden", "reason": f"No eligible {lead_word}: {reason}."}
        if self.program.is_group:
            if self.cohort.scope:
                return {**result, "code": "full", "reason": "No circle this person may join has room."}
            return {**result, "code": "full", "reason": "Not enough people or places to form another circle."}
        if int(self.cohort.remaining[allowed].sum()) == 0:
            return {**result, "code": "full", "reason": f"Every eligible {lead_word} was already full."}
        return {
            **result,
            "code": "full",
            "reason": f"Every eligible {lead_word} is full: their places went to mentees who fit them better.",
        }


def peer_fit(members: list[Profile], criteria: list, program: Any) -> np.ndarray:
    """How well circle members fit each other: the scoring module's member-to-member matrix."""
    return scoring.peer_matrix(
        members, criteria, program_kind=program.kind, max_tz_gap_hours=program.max_time_zone_gap_hours
    )


def histogram(scores: list[float]) -> dict[str, list]:
    counts, edges = np.histogram(np.asarray(scores, dtype=float), bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    return {"edges": [round(float(e), 2) for e in edges], "counts": [int(c) for c in counts]}
