"""Profiles -> a mentee x mentor score matrix in [0, 1] (NaN = forbidden), and the explanation of any pair.
Pure numpy, no Django.

Score = the weighted mean of the criteria's scores (each in [0, 1]; weights normalized to sum to 1), so a
pair's explanation parts, weight share x criterion score, add up to its score exactly.

Rules of question criteria (answers: one string, a list of strings, or a number on the 1-5 scale):
- same: the share of answers in common (Ochiai/cosine: |A n B| / sqrt(|A| |B|); for single choices 1 if
  equal, else 0); on the scale, 1 - |a - b| / 4.
- different: 1 - same (only when both answered).
- overlap: Ochiai of the two sets. Unlike the overlap coefficient it does not reward ticking every box,
  and unlike Jaccard one shared goal out of two each still counts for half.
- offers_wants: the mentor's answer is what they offer, the mentee's what they want: the share of the
  mentee's wants the mentor offers.
- must: a hard filter: the answers share at least one value (single choice: equal). A blank answer on either
  side is no constraint: the person did not restrict it (make the question required to force it).
- none: ignored.
A blank answer scores 0 on a soft criterion (no evidence of fit), and questions asked to only one side are
ignored (there is nothing to compare).

Attribute criteria, added by `criteria_for` (their weights can be overridden with "attr:..." keys):
- attr:job_level "senior" (weight 2): hard rule as in rules.level_allowed: the mentor at
  least as senior as the mentee; reverse mentoring: strictly more junior. Soft: a gap of 1-3 levels scores
  1, a peer 0.5, 4 levels 0.75, 5 levels 0.5, more 0.25.
- attr:time_zone "tz_overlap" (weight 2): shared hours of two 9-to-5 working days, / 8, from the zones'
  current UTC offsets; the gap is circular (UTC+12 and UTC-11 are 1 hour apart). Hard: a gap above the
  program's max_tz_gap_hours is forbidden. An unknown zone scores 0 and is not filtered.
- attr:department "different" (weight 1): cross-department pairs widen networks and keep mentoring out of
  the line of work-related judgement (and circles want a mix).
- attr:location "same" (weight 1): the pair can meet in person.

Forbidden (NaN): a must not met; the same person; the mentor in the mentee's management chain, and the mentee
in the mentor's (a reverse pair where the senior mentee manages the junior mentor would be just as
awkward); the level rule; time zones too far apart; excluded (mentee pid, mentor pid) pairs.

Vectorization: every soft rule above is bilinear in per-person feature vectors (sets as normalized indicator
rows, categorical attributes as rows of a small value x value table), so the whole weighted sum is ONE
matrix product of concatenated features, computed in row blocks into the float32 result; the hard rules are
a second product (a violation count) plus a sparse list of cells (people, chains, exclusions).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import chain
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .explanations import Explanation, explain
from .profiles import Criterion, Profile
from .rules import (
    ATTRIBUTES,
    SOFT_RULES,
    answer,
    attribute_value,
    level_allowed,
    level_fit,
    norm,
    numeric,
    peer_level_fit,
    scale_fit,
    soft_criteria,
    tz_gap,
    utc_offset_hours,
)

__all__ = [
    "Explanation",
    "ScoreBlocks",
    "criteria_for",
    "explain",
    "level_fit",
    "peer_level_fit",
    "peer_matrix",
    "score_matrix",
    "tz_gap",
    "utc_offset_hours",
]

BLOCK_ROWS = 512  # rows per block of the matrix product: keeps temporaries in cache
FORBIDDEN = -1e30  # ScoreBlocks.unclipped_rows: a forbidden cell lies at or below this


# --- Criteria ---------------------------------------------------------------------------------------


def criteria_for(
    program_kind: str, questions: list[dict[str, Any]], weights: dict[str, float] | None = None
) -> list[Criterion]:
    """The criteria of a program: one per question whose rule is used and that both sides answer, then the
    attribute criteria (see the module docstring). `weights` overrides weights by question id (int or str)
    or attribute key ("attr:department"); a weight of 0 leaves a criterion out of the score (hard rules stay).
    `program_kind` is accepted for symmetry with score_matrix; the level rule's direction is decided there."""
    overrides = {str(key): float(value) for key, value in (weights or {}).items()}
    for key, value in overrides.items():
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"Weight of {key!r} must be a number >= 0, got {value}.")
    criteria = []
    for question in questions:
        rule = question.get("rule") or "none"
        if rule not in (*SOFT_RULES, "must") or question.get("audience", "both") != "both":
            continue
        key = str(question["id"])
        weight = 0.0 if rule == "must" else overrides.get(key, float(question.get("weight") or 0))
        if rule != "must" and weight <= 0:
            continue
        label = str(question.get("prompt") or key).strip().rstrip("?:. ")
        options = tuple(str(o) for o in question.get("options") or ())
        criteria.append(Criterion(key=key, label=label, rule=rule, weight=weight, options=options))
    for key, (label, rule, default) in ATTRIBUTES.items():
        criteria.append(Criterion(key=key, label=label, rule=rule, weight=overrides.get(key, default)))
    return criteria


# --- Encoding ---------------------------------------------------------------------------------------


class _Features:
    """Bilinear pieces: left (rows) and right (columns) feature blocks; the product of their
    concatenations is the weighted sum."""

    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.left: list[np.ndarray] = []
        self.right: list[np.ndarray] = []

    def add(self, left: np.ndarray, right: np.ndarray, weight: float = 1.0) -> None:
        # Columns nobody on one side has can never contribute: drop them (free-text tags).
        used = np.abs(left).any(axis=0) & np.abs(right).any(axis=0)
        if used.any():
            self.left.append((left[:, used] * weight).astype(np.float32))
            self.right.append(right[:, used].astype(np.float32))

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.left:
            return np.zeros((self.rows, 1), np.float32), np.zeros((1, self.columns), np.float32)
        return np.hstack(self.left), np.ascontiguousarray(np.hstack(self.right).T)


def _indicators(
    profiles: list[Profile], key: str, vocabulary: dict[str, int]
) -> tuple[np.ndarray, tuple[list[int], list[int]]]:
    """Which vocabulary values each person's answer contains, as the code of each person's distinct answer
    and the (row, column) cells of a 0/1 table of distinct answers x vocabulary values (`_set_matrices`
    builds the rows from them); extends the vocabulary. Runs over every person of a large cohort, so each
    distinct answer (many people give the same one) is read once and rows are copied by numpy."""
    distinct: dict[Any, int] = {}
    codes = [
        distinct.setdefault(tuple(v) if isinstance(v, list) else v, len(distinct))
        for v in (p.answers.get(key) for p in profiles)
    ]
    cells_r: list[int] = []
    cells_c: list[int] = []
    for code, value in enumerate(distinct):
        for raw in value if isinstance(value, tuple) else (value,):
            token = norm(raw) if raw is not None else ""
            if token:
                cells_r.append(code)
                cells_c.append(vocabulary.setdefault(token, len(vocabulary)))
    return np.asarray(codes, np.int64), (cells_r, cells_c)


def _set_matrices(a: list[Profile], b: list[Profile], criterion: Criterion) -> tuple[np.ndarray, np.ndarray]:
    vocabulary = {norm(o): i for i, o in enumerate(criterion.options)}
    encoded = [_indicators(a, criterion.key, vocabulary), _indicators(b, criterion.key, vocabulary)]
    width = max(1, len(vocabulary))
    matrices = []
    for codes, (cells_r, cells_c) in encoded:
        table = np.zeros((int(codes.max(initial=-1)) + 1, width), np.float32)
        table[cells_r, cells_c] = 1
        matrices.append(table[codes] if codes.size else np.zeros((0, width), np.float32))
    return matrices[0], matrices[1]


def _normalized(matrix: np.ndarray, power: float) -> np.ndarray:
    sizes = matrix.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sizes > 0, matrix / np.power(np.maximum(sizes, 1), power), 0).astype(np.float32)


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer code per value (None -> -1) and the distinct values."""
    distinct: dict[Any, int] = {}
    codes = np.array([-1 if v is None else distinct.setdefault(v, len(distinct)) for v in values], np.int64)
    return codes, list(distinct)


def _table_features(
    a_values: list[Any], b_values: list[Any], table_of: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a categorical attribute: left = row of the (value x value) table, right = one-hot, so that
    left @ right.T = table[value_i, value_j] (0 when either is unknown). `table_of(x, y)` -> float."""
    codes, distinct = _codes(list(a_values) + list(b_values))
    table = np.array([[table_of(x, y) for y in distinct] for x in distinct], np.float32).reshape(
        len(distinct), len(distinct)
    )
    a_codes, b_codes = codes[: len(a_values)], codes[len(a_values) :]
    left = np.zeros((len(a_codes), max(1, len(distinct))), np.float32)
    known = a_codes >= 0
    if distinct:
        left[known] = table[a_codes[known]]
    right = np.zeros((len(b_codes), max(1, len(distinct))), np.float32)
    right[np.flatnonzero(b_codes >= 0), b_codes[b_codes >= 0]] = 1
    return left, right, table


class _Encoder:
    """Builds the soft and hard features of `a` (rows) against `b` (columns). peer=True: circle members
    against each other (symmetric rules, no level direction, no department criterion)."""

    def __init__(self, a, b, criteria, *, program_kind, max_tz_gap_hours, now, peer=False) -> None:
        self.a, self.b, self.peer = a, b, peer
        self.kind, self.max_gap, self.now = program_kind, max_tz_gap_hours, now
        self._attributes: dict[str, tuple[list[Any], list[Any]]] = {}
        self.soft = _Features(len(a), len(b))
        self.violations = _Features(len(a), len(b))  # count of violated categorical hard rules
        self.musts: list[tuple[np.ndarray, np.ndarray]] = []  # allowed iff left @ right.T >= 1
        soft = soft_criteria(c for c in criteria if not (peer and c.key == "attr:department"))
        total = sum(c.weight for c in soft)
        for criterion in soft:
            self._add_soft(criterion, criterion.weight / total)
        for criterion in criteria:
            if criterion.rule == "must":
                self._must(criterion)
        self._hard_attributes()

    def _add_soft(self, c: Criterion, share: float) -> None:
        a, b = self.a, self.b
        if c.key.startswith("attr:"):
            fit = lambda x, y: attribute_value(c, x, y, program_kind=self.kind, peer=self.peer)  # noqa: E731
            left, right, _ = _table_features(*self._attribute(c.key), fit)
            self.soft.add(left, right, share)
            return
        if numeric(a + b, c.key):
            left, right, _ = _table_features(
                [answer(p, c.key) for p in a], [answer(p, c.key) for p in b], scale_fit(c.rule)
            )
            self.soft.add(left, right, share)
            return
        left, right = _set_matrices(a, b, c)
        if c.rule == "offers_wants" and not self.peer:
            self.soft.add(_normalized(left, 1.0), right, share)
        elif c.rule == "different":
            answered_l = np.asarray(left.any(axis=1, keepdims=True), np.float32)
            answered_r = np.asarray(right.any(axis=1, keepdims=True), np.float32)
            self.soft.add(answered_l, answered_r, share)
            self.soft.add(-_normalized(left, 0.5), _normalized(right, 0.5), share)
        else:  # same, overlap; offers_wants between peers (both answered as mentees)
            self.soft.add(_normalized(left, 0.5), _normalized(right, 0.5), share)

    def _attribute(self, key: str) -> tuple[list[Any], list[Any]]:
        if key not in self._attributes:
            self._attributes[key] = self._read_attribute(key)
        return self._attributes[key]

    def _read_attribute(self, key: str) -> tuple[list[Any], list[Any]]:
        if key == "attr:time_zone":
            offsets = {z: utc_offset_hours(z, self.now) for z in {p.time_zone for p in self.a + self.b}}
            return [offsets[p.time_zone] for p in self.a], [offsets[p.time_zone] for p in self.b]
        field = key.removeprefix("attr:")
        a = [getattr(p, field) for p in self.a]
        b = [getattr(p, field) for p in self.b]
        if field in ("department", "location"):
            a = [v.strip() or None for v in a]
            b = [v.strip() or None for v in b]
        return a, b

    def _must(self, c: Criterion) -> None:
        left, right = _set_matrices(self.a, self.b, c)
        if not (left.any() and right.any()):
            return  # nobody (on one side) answered: no constraint
        # A blank answer is a wildcard: an all-ones row meets every non-empty answer (and another blank).
        left[~left.any(axis=1)] = 1
        right[~right.any(axis=1)] = 1
        self.musts.append((left, np.ascontiguousarray(right.T)))

    def _hard_attributes(self) -> None:
        if not self.peer:
            lv_a, lv_b = self._attribute("attr:job_level")
            left, right, _ = _table_features(
                lv_a, lv_b, lambda x, y: 0.0 if level_allowed(self.kind, mentor_level=y, mentee_level=x) else 1.0
            )
            self.violations.add(left, right)
        if self.max_gap is not None:
            tz_a, tz_b = self._attribute("attr:time_zone")
            limit = float(self.max_gap)
            left, right, _ = _table_features(
                tz_a, tz_b, lambda x, y: 1.0 if x is not None and y is not None and tz_gap(x, y) > limit else 0.0
            )
            self.violations.add(left, right)


# --- Matrices ---------------------------------------------------------------------------------------


def score_matrix(
    mentees: list[Profile],
    mentors: list[Profile],
    criteria: list[Criterion],
    *,
    program_kind: str,
    max_tz_gap_hours: int | None,
    excluded: Iterable[tuple[int, int]] = frozenset(),
    now: datetime | None = None,
) -> np.ndarray:
    """float32 array (len(mentees), len(mentors)) in [0, 1]; NaN = forbidden. `excluded` holds
    (mentee participant id, mentor participant id) pairs. `now` fixes the moment for UTC offsets."""
    encoder = _Encoder(
        mentees, mentors, criteria, program_kind=program_kind, max_tz_gap_hours=max_tz_gap_hours, now=now
    )
    result = _evaluate(encoder)
    _forbid_cells(result, mentees, mentors, excluded, symmetric=False)
    return result


def peer_matrix(
    members: list[Profile],
    criteria: list[Criterion],
    *,
    program_kind: str,
    max_tz_gap_hours: int | None,
    now: datetime | None = None,
) -> np.ndarray:
    """Circle members' fit with each other: float32 (k, k), symmetric, in [0, 1]. The same criteria with
    symmetric rules (offers_wants compares the two members' answers like overlap; seniority prefers nearby
    levels, no direction; department left to the circles' own diversity term). NaN = should not share a
    circle: a must not met, time zones too far apart, one in the other's management chain, the diagonal."""
    encoder = _Encoder(
        members, members, criteria, program_kind=program_kind, max_tz_gap_hours=max_tz_gap_hours, now=now, peer=True
    )
    result = _evaluate(encoder)
    _forbid_cells(result, members, members, (), symmetric=True)
    np.fill_diagonal(result, np.nan)
    return result


def _threshold_form(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From "allowed iff left @ right >= 1" (integer counts) to a product that is >= 4 when allowed and
    <= -4 when not, so that its square root is NaN exactly on the forbidden cells (and >= 2 elsewhere)."""
    ones_l = np.full((left.shape[0], 1), -4.0, np.float32)
    ones_r = np.ones((1, right.shape[1]), np.float32)
    return np.hstack([8 * left, ones_l]), np.ascontiguousarray(np.vstack([right, ones_r]))


class _Evaluator:
    """The products of an encoder's features, for any rows: `fill(block, scratch, rows)` writes the scores of
    `rows` (a slice or sorted indices) into `block`, one thread, without the sparse hard rules."""

    def __init__(self, encoder: _Encoder) -> None:
        n, m = encoder.soft.rows, encoder.soft.columns
        self.shape = (n, m)
        self.soft_left, self.soft_right = encoder.soft.matrices()
        viol_left, viol_right = encoder.violations.matrices()
        musts = list(encoder.musts)
        if musts:
            # The first must absorbs the categorical rules: shared answers - M x violations >= 1.
            first_left, first_right = musts.pop(0)
            big = float(first_left.shape[1] + 1)
            self.hard = [
                _threshold_form(np.hstack([first_left, -big * viol_left]), np.vstack([first_right, viol_right]))
            ]
        else:  # 1 - violations >= 1
            ones_l, ones_r = np.ones((n, 1), np.float32), np.ones((1, m), np.float32)
            self.hard = [_threshold_form(np.hstack([-viol_left, ones_l]), np.vstack([viol_right, ones_r]))]
        self.hard += [_threshold_form(left, right) for left, right in musts]

    def fill(self, block: np.ndarray, scratch: np.ndarray, rows: slice | np.ndarray) -> None:
        with np.errstate(invalid="ignore"):  # per thread: the square root of a forbidden cell is NaN
            np.matmul(self.soft_left[rows], self.soft_right, out=block)
            for left, right in self.hard:
                # Masked assignment (copyto where=) is ~10x slower than these two plain ufuncs.
                np.matmul(left[rows], right, out=scratch)
                np.sqrt(scratch, out=scratch)
                np.minimum(block, scratch, out=block)
            # float32 sums can stray by an ulp outside [0, 1]; NaN stays NaN.
            np.clip(block, 0.0, 1.0, out=block)

    def fill_unclipped(self, block: np.ndarray, scratch: np.ndarray, rows: slice | np.ndarray) -> None:
        """`fill` without its square roots and clip, for blocked.py's scoring pass: a forbidden cell at or
        below FORBIDDEN instead of NaN (the hard products scaled so), an allowed one its unclipped score:
        three passes over the block fewer."""
        np.matmul(self.soft_left[rows], self.soft_right, out=block)
        for left, right in self.hard:
            np.matmul(left[rows] * np.float32(1e30), right, out=scratch)  # >= 4e30 allowed, <= -4e30 not
            np.minimum(block, scratch, out=block)


def _evaluate(encoder: _Encoder) -> np.ndarray:
    evaluator = _Evaluator(encoder)
    n, m = evaluator.shape
    result = np.empty((n, m), np.float32)
    if n == 0 or m == 0:
        return result

    def rows(first: int, last: int) -> None:
        scratch_rows = np.empty((min(BLOCK_ROWS, last - first), m), np.float32)
        for start in range(first, last, BLOCK_ROWS):
            stop = min(last, start + BLOCK_ROWS)
            evaluator.fill(result[start:stop], scratch_rows[: stop - start], slice(start, stop))

    # Two threads of one BLAS thread each: numpy releases the GIL in these products and passes, and
    # OpenBLAS's own threads spin more than they help on thin block products (3x the CPU on 2 cores).
    middle = (n // 2 // BLOCK_ROWS) * BLOCK_ROWS if n >= 4 * BLOCK_ROWS else n
    with threadpool_limits(limits=1, user_api="blas"):
        if middle == n:
            rows(0, n)
        else:
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda part: rows(*part), [(0, middle), (middle, n)]))
    return result


class ScoreBlocks:
    """score_matrix's scores without the matrix: any block of mentee rows on demand, so that a large cohort
    (100,000 x 20,000 would be 8 GB of float32) is scored block by block and never held whole. Thread-safe:
    `rows` and `take` write only into their own arrays. Call them under threadpool_limits(1) from threads."""

    def __init__(
        self,
        mentees: list[Profile],
        mentors: list[Profile],
        criteria: list[Criterion],
        *,
        program_kind: str,
        max_tz_gap_hours: int | None,
        excluded: Iterable[tuple[int, int]] = frozenset(),
        now: datetime | None = None,
    ) -> None:
        encoder = _Encoder(
            mentees, mentors, criteria, program_kind=program_kind, max_tz_gap_hours=max_tz_gap_hours, now=now
        )
        self._evaluator = _Evaluator(encoder)
        self.shape = self._evaluator.shape
        cells_r, cells_c = _forbidden(mentees, mentors, excluded, symmetric=False)
        order = np.argsort(cells_r, kind="stable")
        self._cells_r, self._cells_c = cells_r[order], cells_c[order]

    def reorder(self, columns: np.ndarray) -> ScoreBlocks:
        """The same scores with the mentor columns in this order (a permutation)."""
        return self.columns(columns)

    def columns(self, columns: np.ndarray) -> ScoreBlocks:
        """The scores of these mentor columns only, in this order (distinct indices)."""
        columns = np.asarray(columns, np.int64)
        view = copy.copy(self)
        view._evaluator = copy.copy(self._evaluator)
        view._evaluator.soft_right = np.ascontiguousarray(self._evaluator.soft_right[:, columns])
        view._evaluator.hard = [(left, np.ascontiguousarray(right[:, columns])) for left, right in self._evaluator.hard]
        view._evaluator.shape = view.shape = (self.shape[0], columns.size)
        position = np.full(self.shape[1], -1, np.int64)
        position[columns] = np.arange(columns.size)
        present = position[self._cells_c] >= 0
        view._cells_r, view._cells_c = self._cells_r[present], position[self._cells_c[present]]
        return view

    def rows(self, start: int, stop: int) -> np.ndarray:
        """float32 (stop - start, mentors): the scores of mentees start..stop-1, NaN = forbidden."""
        return self._block(slice(start, stop), stop - start, start)

    def take(self, indices: np.ndarray) -> np.ndarray:
        """float32 (len(indices), mentors): the scores of these mentees (sorted indices)."""
        return self._block(np.asarray(indices, np.int64), len(indices), None)

    def unclipped_rows(self, start: int, stop: int) -> np.ndarray:
        """float32 (stop - start, mentors): the scores of mentees start..stop-1 before their clip to [0, 1]
        (float32 sums may stray an ulp outside it), forbidden cells at or below FORBIDDEN: blocked.py's
        scoring pass, which clips only what it keeps."""
        return self._block(slice(start, stop), stop - start, start, fast=True)

    def _block(self, rows: slice | np.ndarray, count: int, start: int | None, *, fast: bool = False) -> np.ndarray:
        block = np.empty((count, self.shape[1]), np.float32)
        if count == 0 or self.shape[1] == 0:
            return block
        if fast:
            self._evaluator.fill_unclipped(block, np.empty_like(block), rows)
        else:
            self._evaluator.fill(block, np.empty_like(block), rows)
        if start is not None:
            low, high = np.searchsorted(self._cells_r, [start, start + count])
            block[self._cells_r[low:high] - start, self._cells_c[low:high]] = -np.inf if fast else np.nan
        else:
            indices = np.asarray(rows)
            at = np.minimum(np.searchsorted(indices, self._cells_r), count - 1)
            found = indices[at] == self._cells_r
            block[at[found], self._cells_c[found]] = np.nan
        return block


def _same_employee(owners: np.ndarray, employees: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, target index) for every i with employees[i] == targets[target index]."""
    order = np.argsort(targets, kind="stable")
    ordered = targets[order]
    low = np.searchsorted(ordered, employees, "left")
    count = np.searchsorted(ordered, employees, "right") - low
    keep = count > 0
    count, low = count[keep], low[keep]
    offsets = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return np.repeat(owners[keep], count), order[np.repeat(low, count) + offsets]


def _people(profiles: list[Profile], *, with_self: bool) -> tuple[np.ndarray, np.ndarray]:
    """(index, employee id) for each person's management chain (and themselves)."""
    groups = [((p.employee_id, *p.manager_chain) if with_self else tuple(p.manager_chain)) for p in profiles]
    counts = np.fromiter(map(len, groups), np.int64, len(groups))
    employees = np.fromiter(chain.from_iterable(groups), np.int64, int(counts.sum()))
    return np.repeat(np.arange(len(profiles)), counts), employees


def _forbidden(
    rows: list[Profile], columns: list[Profile], excluded: Iterable[tuple[int, int]], *, symmetric: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The cells of the sparse hard rules: same person, management chains (both ways), excluded pairs."""
    if not rows or not columns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    row_ids = np.fromiter((p.employee_id for p in rows), np.int64, len(rows))
    column_ids = np.fromiter((p.employee_id for p in columns), np.int64, len(columns))
    owners, employees = _people(rows, with_self=True)  # a row's own id or a manager equals the column
    cells_r, cells_c = _same_employee(owners, employees, column_ids)
    owners, employees = _people(columns, with_self=False)  # a column's manager is the row
    found_c, found_r = _same_employee(owners, employees, row_ids)
    cells_r, cells_c = np.concatenate([cells_r, found_r]), np.concatenate([cells_c, found_c])
    column_of = {p.participant_id: j for j, p in enumerate(columns)}
    row_of = {p.participant_id: i for i, p in enumerate(rows)}
    pairs = [(row_of.get(a), column_of.get(b)) for a, b in excluded]
    pairs = [(i, j) for i, j in pairs if i is not None and j is not None]
    if pairs:
        cells_r = np.concatenate([cells_r, [i for i, _ in pairs]]).astype(np.int64)
        cells_c = np.concatenate([cells_c, [j for _, j in pairs]]).astype(np.int64)
    if symmetric:
        cells_r, cells_c = np.concatenate([cells_r, cells_c]), np.concatenate([cells_c, cells_r])
    return cells_r.astype(np.int64), cells_c.astype(np.int64)


def _forbid_cells(
    result: np.ndarray, rows: list[Profile], columns: list[Profile], excluded: Iterable[tuple[int, int]], *, symmetric
) -> None:
    """The sparse hard rules: same person, management chains (both ways), excluded pairs."""
    cells_r, cells_c = _forbidden(rows, columns, excluded, symmetric=symmetric)
    result[cells_r, cells_c] = np.nan
