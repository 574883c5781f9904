"""The assignment at scale, without the dense matrix: the flow method of solver.py over scores that arrive
in row blocks. Pure numpy/OR-Tools, no Django.

`solve_blocked(source, mentor_capacity, objective=...)` answers what `solver.solve` answers for the matrix the
source would build, but holds only O(mentees x (KEEP + GROUPS + EXACT_COLUMNS)) of it (100,000 x 20,000 as a
matrix: 8 GB of float32; here about 1 GB at its peak):

1. Prices first (pilot.py): a sample of mentees, each standing for several, competes for every mentor's
   places in a min-cost flow; its LP duals estimate the optimum's mentor prices. The solver orders the
   mentors by them and cuts them into GROUPS groups of like price.
2. One pass over the source, two threads, one block of BLOCK_ROWS rows at a time: each mentee keeps its best
   KEEP mentors by reduced gain at the estimated prices (score - estimate; ties broken by a fixed jitter, so
   equals spread over mentors) and, per group, the best reduced gain it did NOT keep.
3. The rounds of solver._solve_flow: candidate graph from the kept pairs by reduced gain, OR-Tools min-cost
   flow, mentor prices from its residual graph. A mentor that few mentees kept is scored in full (a column
   of the source) and its best mentees join the first graph.
4. The certificate (weak duality, as in solver.py): each mentee's best reduced gain (score - price) over ALL
   mentors. Over the kept pairs and the mentors scored in full it is exact; any other mentor is priced from
   its group: score - price = (score - estimate) + (estimate - price), at most the group's best reduced gain
   not kept plus the group's largest fall below the estimate. A mentor whose price fell far below its
   estimate would loosen that for every mentee, so it is scored in full instead (up to EXACT_COLUMNS).
   Where the bound is above the kept best and the gap is not proven with it, the mentee's row is scored
   again from the source (one block of rows, never the matrix): the bound becomes exact, the rescan yields
   the pairs worth adding, and the row keeps its best pairs at these prices.
   The answer is proven within GAP_TOLERANCE of the optimum of the whole matrix, never "top-k good enough".
5. No cliff: no path here builds the dense matrix. A run that cannot be proven within `max_rounds` or
   `budget_seconds` returns its best feasible answer with the measured gap (certificate.proven False).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from . import pilot
from .scoring import FORBIDDEN
from .solver import (
    GAP_TOLERANCE,
    LEVEL_GAP,
    MAX_ROUNDS,
    OBJECTIVES,
    SLACK,
    _best_columns,
    _Costs,
    _jitter,
    _min_cost_flow,
    _price_levels,
    _prices,
    _row_hits,
    _two_threads,
)

# The MatchRun (and bench --scale "auto") use this path above this many mentee x mentor cells, the dense
# matrix and solver.solve below: at 10,000 x 2,000 (20 M cells) the dense path is the faster (0.8 s).
LARGE_COHORT_CELLS = 50_000_000
KEEP = 32  # mentors kept per mentee from the scoring pass
GROUPS = 128  # groups of mentors by demand, each priced by its lowest price for the pairs not kept
ROUNDING = 1e-5  # float32 reduced gains (score - offset) are exact to half an ulp: the bound adds this much
# beyond two ulps of the largest offset
# Kept: each mentee's best KEEP, found above a floor with KEEP or more at or above it (the scoring pass: the
# KEEP-th best of the groups' best values; a rescan: one estimated from every SAMPLE_STRIDE-th mentor). A
# mentee with fewer than KEEP allowed mentors keeps them all; one with fewer above an estimated floor takes
# the best KEEP among those within DELTA of its best, widening to the next DELTA, and after the last keeps what
# it has (the groups bound the rest).
DELTAS = (0.1, 0.2, 0.3, 0.5)
SAMPLE_STRIDE = 8
# The first graph, from the kept pairs: each mentee's within FIRST_SLACK of its best by reduced gain at the
# estimated prices (at most FIRST_ROW), each mentor's best FIRST_COVERAGE x capacity mentees. Measured at
# 100,000 x 20,000: this graph (1.75 M pairs) is proven in one round with the gap at 57% of the tolerance;
# 0.05 / 16 / 8 (1.2 M) needed a second flow and as many rescans again; the mentors' coverage is what counts
# (0.1 / 24 / 8: 2.0 M pairs, one round at 86% of the tolerance). A mentor kept by fewer than FIRST_COVERAGE x
# capacity mentees is scored in full (_cover_short, at most EXACT_COLUMNS / 2 of them).
FIRST_SLACK, FIRST_ROW, FIRST_COVERAGE = 0.06, 16, 16
DEBUG = False  # print each round
ROUND_ROWS = 2048  # mentees per slice of a round's pass over the kept pairs (float64 temporaries)
RESCAN_ROWS = 128  # rows per block of a rescan (float64, several temporaries)
BLOCK_ROWS = 256  # rows per block: 256 x 40,000 float32 is 40 MB per thread
EXACT_COLUMNS = 1024  # mentors scored in full at most (100,000 mentees: 400 MB)
EXACT_SHARE = 8  # ... and at most this share of them (1 / EXACT_SHARE of the matrix)
OUTLIER = 0.05  # a mentor whose price fell this much more than most below its estimate is scored in full


class Source(Protocol):
    """Scores in row blocks: float (rows, mentors) in [0, 1], NaN = forbidden."""

    shape: tuple[int, int]

    def rows(self, start: int, stop: int) -> np.ndarray: ...

    def unclipped_rows(self, start: int, stop: int) -> np.ndarray:
        """As rows, but forbidden cells at or below scoring.FORBIDDEN (not NaN), and allowed scores may stray
        an ulp outside [0, 1] (the caller clips what it keeps)."""
        ...

    def take(self, indices: np.ndarray) -> np.ndarray: ...

    def reorder(self, columns: np.ndarray) -> Source:
        """The same scores with the mentor columns in this order."""
        ...

    def columns(self, columns: np.ndarray) -> Source:
        """The scores of these mentor columns only, in this order."""
        ...


class DenseSource:
    """A matrix already in memory as a Source (tests, and comparisons with the dense solver)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = np.asarray(matrix, dtype=np.float64 if np.asarray(matrix).dtype.itemsize > 4 else np.float32)
        self.shape = self.matrix.shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        return self.matrix[start:stop].copy()

    def unclipped_rows(self, start: int, stop: int) -> np.ndarray:
        # Forbidden cells as ScoreBlocks gives them: finite, far below any score.
        return np.where(np.isnan(self.matrix[start:stop]), 4 * FORBIDDEN, self.matrix[start:stop]).astype(np.float32)

    def take(self, indices: np.ndarray) -> np.ndarray:
        return self.matrix[np.asarray(indices, np.int64)]

    def reorder(self, columns: np.ndarray) -> DenseSource:
        return self.columns(columns)

    def columns(self, columns: np.ndarray) -> DenseSource:
        return DenseSource(self.matrix[:, columns])


@dataclass(frozen=True)
class Certificate:
    """How good the answer is: its total score, a proven upper bound on the optimum's, and whether their
    distance (gap, relative to the total) is within GAP_TOLERANCE."""

    total: float
    upper: float
    matched: int
    proven: bool
    rounds: int
    rescored_rows: int

    @property
    def gap(self) -> float:
        return max(0.0, self.upper - self.total) / max(self.total, 1e-12)

    def as_json(self) -> dict[str, float | int | bool]:
        return {
            "total": round(self.total, 6),
            "upper": round(self.upper, 6),
            "gap": float(f"{self.gap:.3g}"),
            "proven": self.proven,
            "rounds": self.rounds,
        }


@dataclass
class Kept:
    """The kept candidates: per mentee KEEP mentor columns (-1 = none) and their scores; `groups`: per mentee
    and group of mentors (columns starts[g]..starts[g + 1] - 1 of the solver's order, mentors of like price) the
    best score - offset (the mentor's estimated price) not kept (-inf: none)."""

    cols: np.ndarray  # int32 (n, KEEP + len(starts)): the best KEEP, then each group's best of the rest
    scores: np.ndarray  # float64, the same shape, -inf where cols is -1
    groups: np.ndarray  # float32 (n, len(starts)): per group, the best score - offset of those not in cols
    starts: np.ndarray  # int64: groups of `size` consecutive columns (the last may be shorter)
    size: int
    offset: np.ndarray  # float32 per mentor (solver's order): what `groups` subtracted from the scores

    def score_of(self, i: int, j: int) -> float | None:
        """The score of pair (i, j) if it was kept, else None."""
        found = np.flatnonzero(self.cols[i] == j)
        return float(self.scores[i, found[0]]) if found.size else None


@dataclass
class Result:
    pairs: list[tuple[int, int]]  # (mentee index, mentor index), sorted by mentee
    scores: list[float]  # the score of each pair
    certificate: Certificate
    kept: Kept


def solve_blocked(
    source: Source,
    mentor_capacity: np.ndarray,
    *,
    objective: str = "score",
    max_rounds: int = MAX_ROUNDS,
    budget_seconds: float | None = None,
) -> Result:
    """Match mentees to mentors from a block source (see the module docstring); the same contract as
    solver.solve, plus the certificate and the kept candidates (explanations need nothing else)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"Unknown objective {objective!r}: use one of {', '.join(map(repr, OBJECTIVES))}.")
    n, m = source.shape
    capacity = np.asarray(mentor_capacity)
    if capacity.shape != (m,) or capacity.dtype.kind not in "iu" or (capacity.size and capacity.min() < 0):
        raise ValueError(f"mentor_capacity must be {m} whole numbers >= 0.")
    capacity = capacity.astype(np.int64)
    started = time.perf_counter()
    empty = Certificate(total=0.0, upper=0.0, matched=0, proven=True, rounds=0, rescored_rows=0)
    if n == 0 or m == 0:
        return Result([], [], empty, _empty_kept(n, m))
    guide = _guide(source, capacity, objective)
    if DEBUG:
        print(f"prices estimated: {time.perf_counter() - started:.2f} s")
    order = np.argsort(-np.where(capacity > 0, guide, -np.inf), kind="stable")  # the solver's order of mentors
    view, capacity = source.reorder(order), capacity[order]
    kept, high = _keep(view, capacity > 0, guide[order].astype(np.float32))
    if DEBUG:
        print(f"scoring pass: {time.perf_counter() - started:.2f} s")
    if np.isfinite(high):
        result = _Rounds(view, capacity, objective, high, kept).run(max_rounds, budget_seconds, started)
    else:  # every pair forbidden, or no places
        result = Result([], [], empty, kept)
    result.pairs = [(i, int(order[j])) for i, j in result.pairs]
    kept.cols = np.where(kept.cols >= 0, order[np.maximum(kept.cols, 0)], -1).astype(np.int32)
    return result


def _empty_kept(n: int, m: int, offset: np.ndarray | None = None) -> Kept:
    size = max(1, -(-m // GROUPS))
    starts = np.arange(0, m, size, dtype=np.int64)
    return Kept(
        np.full((n, KEEP + starts.size), -1, np.int32),
        np.full((n, KEEP + starts.size), -np.inf),
        np.full((n, starts.size), -np.inf, np.float32),
        starts,
        size,
        np.zeros(m, np.float32) if offset is None else offset,
    )


def _guide(source: Source, capacity: np.ndarray, objective: str) -> np.ndarray:
    """Per mentor, the offset of the scoring pass's reduced gains (score - offset): its price estimated from a
    sample of mentees (pilot.py), 0 for mentors without places. "participation": prices carry the bonus, next
    to which a float32 would lose the score's digits; as in solver._candidates the price is split into
    level x bonus + rest, and the offset is rest + LEVEL_GAP x level, which ranks every mentor of level 1
    (priced above what any mentee gains from it) below those of level 0."""
    n, m = source.shape
    chosen = pilot.sample_rows(n)
    sample = np.empty((chosen.size, m), np.float32)

    def scan(first: int, last: int) -> None:
        for start in range(first, last, BLOCK_ROWS):
            sample[start : min(last, start + BLOCK_ROWS)] = source.take(chosen[start : start + BLOCK_ROWS])

    _threaded(scan, chosen.size)
    np.fmax(sample, -np.inf, out=sample)  # forbidden (NaN): -inf
    sample[:, capacity == 0] = -np.inf
    high = float(sample.max(initial=-np.inf))
    if not np.isfinite(high):
        return np.zeros(m)
    costs = _Costs(n, m, capacity, objective, high, steps=pilot.STEPS)
    prices = pilot.estimate_prices(sample, n, costs)
    level, rest = _price_levels(prices, costs)  # rest = prices for "score"; 0 for mentors without places
    return rest + LEVEL_GAP * level


def _champions(block: np.ndarray, target: np.ndarray, kept: Kept, raw: np.ndarray) -> None:
    """For rows `target`, from `block` (their reduced gains score - offset, -inf where not allowed or already
    kept): per group of mentors the best one (kept too, with its exact score from `raw`) and the best reduced
    gain after it (the group's bound)."""
    count, width = block.shape
    m = raw.shape[1]
    groups, size = kept.starts.size, kept.size
    if groups * size != width:  # the block is not yet as wide as the groups
        padded = np.full((count, groups * size), -np.inf, block.dtype)
        padded[:, :width] = block
    else:
        padded = block
    view = padded.reshape(count, groups, size)
    best_at = view.argmax(axis=2)[:, :, None]
    best = np.take_along_axis(view, best_at, axis=2)[:, :, 0]
    np.put_along_axis(view, best_at, -np.inf, axis=2)
    kept.groups[target] = view.max(axis=2)
    found = best > FORBIDDEN / 2  # -inf, or a forbidden cell of an unclipped block
    cols = np.minimum(best_at[:, :, 0] + kept.starts, m - 1)
    kept.cols[target, KEEP:] = np.where(found, cols, -1)
    kept.scores[target, KEEP:] = np.where(found, np.clip(np.take_along_axis(raw, cols, axis=1), 0.0, 1.0), -np.inf)


def _keep(source: Source, usable: np.ndarray, offset: np.ndarray) -> tuple[Kept, float]:
    """The scoring pass: each mentee's best KEEP mentors by reduced gain (score - offset, the estimated prices)
    and its best reduced gain not kept per group of mentors; an upper bound of the best score of all."""
    n, m = source.shape
    kept = _empty_kept(n, m, offset)
    tops = np.full(n, -np.inf)
    shift = np.where(usable, offset, np.inf).astype(np.float32)  # a mentor without places: -inf
    width = kept.starts.size * kept.size

    def scan(first: int, last: int) -> None:
        # Reduced gains in a buffer as wide as the groups, the columns past the last mentor at -inf, so that
        # _champions sees the groups as a reshape of it, without a copy.
        buffer = np.full((BLOCK_ROWS, width), -np.inf, np.float32)
        for start in range(first, last, BLOCK_ROWS):
            stop = min(last, start + BLOCK_ROWS)
            rows = np.arange(start, stop)
            raw = source.unclipped_rows(start, stop)  # forbidden: at or below FORBIDDEN
            block = buffer[: stop - start, :m]
            np.subtract(raw, shift, out=block)
            top = block.max(axis=1)
            tops[start:stop] = np.where(top > FORBIDDEN / 2, top, -np.inf)
            _keep_block(block, rows, top, kept, _group_floor(buffer[: stop - start], kept))
            held = kept.cols[start:stop, :KEEP]
            local = np.repeat(np.arange(stop - start), KEEP).reshape(held.shape)
            inside = held >= 0
            picked = np.clip(raw[local, np.maximum(held, 0)], 0.0, 1.0)  # as score_matrix clips
            kept.scores[start:stop, :KEEP] = np.where(inside, picked, -np.inf)
            block[local[inside], held[inside]] = -np.inf
            _champions(buffer[: stop - start], rows, kept, raw)

    _threaded(scan, n)
    # score = reduced gain + offset <= the best reduced gain + the highest offset of a mentor with places;
    # scores are at most 1
    high = min(1.0, float(tops.max(initial=-np.inf)) + float(shift[usable].max(initial=0.0)))
    return kept, high


def _group_floor(buffer: np.ndarray, kept: Kept) -> np.ndarray | None:
    """Per row of `buffer` (reduced gains, as wide as the groups), a floor with KEEP or more values at or above
    it: the KEEP-th best of the groups' best values (None with fewer groups than KEEP)."""
    count, groups = buffer.shape[0], kept.starts.size
    if groups < KEEP:
        return None
    cells = buffer.reshape(count * groups, kept.size)
    # (argmax and a gather: faster than max over rows as short as a group, measured 2.4 ms against 3.0 ms)
    best = cells[np.arange(cells.shape[0]), cells.argmax(axis=1)].reshape(count, groups)
    return np.partition(best, groups - KEEP, axis=1)[:, groups - KEEP]


def _keep_block(
    block: np.ndarray, rows: np.ndarray, top: np.ndarray, kept: Kept, floor: np.ndarray | None = None
) -> None:
    """Each row's best KEEP columns of `block` (values; -inf = not allowed) into kept.cols / kept.scores: those
    above a floor that leaves KEEP or more of them (first `floor` if given, else one estimated from every
    SAMPLE_STRIDE-th column; then the row's best minus each of DELTAS), or fewer above the last."""
    m = block.shape[1]
    pending = np.arange(block.shape[0])
    floors = [top - delta for delta in DELTAS]
    if floor is not None:  # KEEP or more at or above it
        floors.insert(0, np.minimum(floor, top))
    elif m >= 4 * KEEP * SAMPLE_STRIDE:  # about 2 x KEEP columns above it
        sample = block[:, ::SAMPLE_STRIDE]
        rank = sample.shape[1] - max(1, 2 * KEEP // SAMPLE_STRIDE)
        floors.insert(0, np.minimum(np.partition(sample, rank, axis=1)[:, rank], top))
    for level, floor_of_rows in enumerate(floors):
        if pending.size == 0:
            return
        sub = block if pending.size == block.shape[0] else block[pending]
        level_floor = np.maximum(floor_of_rows[pending], FORBIDDEN).astype(block.dtype)
        flat = np.flatnonzero(sub >= level_floor[:, None])
        local, cols = flat // m, flat % m
        counts = np.bincount(local, minlength=pending.size)
        # Done: KEEP or more above the floor, or the last level, or a floor below every allowed value (a row
        # with fewer than KEEP allowed mentors keeps them all; the DELTAS above would keep fewer).
        done = (counts >= KEEP) | (level == len(floors) - 1) | (floor_of_rows[pending] <= FORBIDDEN)
        take = done[local]
        local, cols = local[take], cols[take]
        values = sub[local, cols].astype(np.float64)
        below = top[pending][local] - values  # >= 0
        tie = _jitter(m)[rows[pending][local] % _jitter(m).shape[0], cols]
        # Row first, then the best value, equal values in a row-dependent order of mentors: one sort key (the
        # jitter is far below any difference that matters).
        width = 2.0 * float(below.max(initial=0.0)) + 1.0
        order = np.argsort(local * width + below + tie)
        local, cols, values = local[order], cols[order], values[order]
        first = np.concatenate([[0], np.cumsum(np.bincount(local, minlength=pending.size))])[:-1]
        rank = np.arange(local.size) - first[local]
        target = rows[pending]
        keep = rank < KEEP
        kept.cols[target[local[keep]], rank[keep]] = cols[keep]
        kept.scores[target[local[keep]], rank[keep]] = values[keep]
        pending = pending[~done]


def _rest(groups: np.ndarray, lowest: np.ndarray) -> np.ndarray:
    """Per mentee, max over groups of (best score not kept - the group's lowest price), in float64 (prices
    carry the participation bonus), a slice of mentees at a time (no n x GROUPS float64 temporary)."""
    result = np.empty(groups.shape[0])
    step = 4096
    for start in range(0, groups.shape[0], step):
        part = groups[start : start + step] - lowest  # -inf - inf = -inf: never NaN
        result[start : start + step] = part.max(axis=1, initial=-np.inf)
    return result


def _threaded(scan, n: int) -> None:
    """scan(first, last) over all rows in two threads, split at a block boundary."""
    _two_threads(scan, n, BLOCK_ROWS)


class _Rounds(_Costs):
    """solver._solve_flow's rounds over the kept candidates and, where the certificate needs them, rows
    scored again from the source."""

    def __init__(self, source: Source, capacity: np.ndarray, objective: str, high: float, kept: Kept) -> None:
        n, m = source.shape
        super().__init__(n, m, capacity, objective, high)
        self.source, self.kept = source, kept
        self.keys = np.zeros(0, np.int64)  # the graph's pairs as i x m + j, sorted
        self.g_rows = np.zeros(0, np.int64)
        self.g_cols = np.zeros(0, np.int64)
        self.g_scores = np.zeros(0, np.float64)
        self.rescored = 0
        largest = float(np.abs(kept.offset).max(initial=0.0)) + 1.0  # |score - offset| is at most this
        self.rounding = ROUNDING + 2 * float(np.spacing(np.float32(largest)))
        # Mentors scored in full (all mentees): those whose price fell far below the estimate, which would
        # loosen their group's bound for every mentee.
        self.column_ids = np.zeros(0, np.int64)
        self.column_chunks: list[tuple[np.ndarray, np.ndarray]] = []  # (mentor ids, float32 n x ids)
        self.in_columns = np.zeros(m, bool)

    def add(self, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> None:
        keys = rows.astype(np.int64) * self.m + cols
        keys, first = np.unique(keys, return_index=True)
        scores = scores[first]
        at = np.minimum(np.searchsorted(self.keys, keys), max(self.keys.size - 1, 0))
        new = self.keys[at] != keys if self.keys.size else np.ones(keys.size, bool)
        keys, scores = keys[new], scores[new]
        rows, cols = np.divmod(keys, self.m)
        self.g_rows = np.concatenate([self.g_rows, rows])
        self.g_cols = np.concatenate([self.g_cols, cols])
        self.g_scores = np.concatenate([self.g_scores, scores])
        self.keys = np.sort(np.concatenate([self.keys, keys]))

    def run(self, max_rounds: int, budget: float | None, started: float) -> Result:
        kept = self.kept
        self._first_graph(kept.cols >= 0)
        self._cover_short()
        answer = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        upper = np.inf
        rounds = 0
        while rounds < max_rounds:
            rounds += 1
            rows, cols, scores = self.g_rows, self.g_cols, self.g_scores
            weights = self.weight(scores)
            matched = _min_cost_flow(self, rows, cols, weights)
            prices = _prices(self, rows, cols, weights, matched)
            answer = (rows[matched], cols[matched], scores[matched])
            values = np.zeros(self.n)
            np.maximum.at(values, rows, self.beta + scores - prices[cols])
            finite = np.isfinite(prices)
            placed = float((self.capacity[finite] * prices[finite]).sum())
            achieved = self.beta * int(matched.sum()) + float(scores[matched].sum())
            total = float(scores[matched].sum())
            allowed = min(GAP_TOLERANCE * total + 1e-9, self.cardinality_slack)
            # Exact over the kept pairs and the mentors scored in full (columns); for the rest, by group:
            # score - price = (score - offset) + (offset - price) <= best (score - offset) not kept + the
            # group's highest (offset - price) among the mentors not scored in full.
            kept_best, new_r, new_c, new_s = self._kept_hits(prices, values)
            self._score_outliers(prices)
            column_best, (r, c, s) = self._column_hits(prices, values)
            kept_best = np.maximum(kept_best, column_best)
            new_r, new_c, new_s = np.concatenate([new_r, r]), np.concatenate([new_c, c]), np.concatenate([new_s, s])
            outside = np.where(self.in_columns, np.inf, prices - kept.offset)
            lowest = np.minimum.reduceat(outside, kept.starts)  # per group (inf: no places)
            rest_best = self.beta + self.rounding + _rest(kept.groups, lowest)
            suspect = np.flatnonzero(rest_best > kept_best)
            best = np.maximum(kept_best, rest_best)
            upper = float(best.sum()) + placed
            if DEBUG:
                print(
                    f"round {rounds}: {rows.size} arcs, gap {upper - achieved:.4f} (allowed {allowed:.4f}), "
                    f"{suspect.size} suspect rows, {self.column_ids.size} mentors in full, "
                    f"{time.perf_counter() - started:.2f} s"
                )
            if upper - achieved <= allowed:
                break
            if suspect.size:  # price the rows outside their kept pairs exactly, from the source
                exact, (r, c, s) = self._rescan(suspect, prices, values)
                best[suspect] = exact
                upper = float(best.sum()) + placed
                if DEBUG:
                    print(f"  rescanned {suspect.size} rows: gap {upper - achieved:.4f}, {r.size} new pairs")
                if upper - achieved <= allowed:
                    break
                new_r, new_c, new_s = np.concatenate([new_r, r]), np.concatenate([new_c, c]), np.concatenate([new_s, s])
            if budget is not None and time.perf_counter() - started > budget:
                break
            self.add(new_r, new_c, new_s)
        rows, cols, scores = answer
        total = float(scores.sum())
        score_upper = upper - self.beta * rows.size
        proven = score_upper - total <= min(GAP_TOLERANCE * total + 1e-9, self.cardinality_slack)
        order = np.argsort(rows, kind="stable")
        certificate = Certificate(
            total=total,
            upper=score_upper,
            matched=int(rows.size),
            proven=bool(proven),
            rounds=rounds,
            rescored_rows=self.rescored,
        )
        return Result(
            list(zip(rows[order].tolist(), cols[order].tolist(), strict=True)),
            scores[order].tolist(),
            certificate,
            self.kept,
        )

    def _first_graph(self, valid: np.ndarray) -> None:
        """Each mentee's best kept pairs by reduced gain at the estimated prices (within FIRST_SLACK of its
        best, at most FIRST_ROW; kept pairs come best first), and each mentor's best mentees among the kept
        pairs (FIRST_COVERAGE x capacity)."""
        kept = self.kept
        valid = valid[:, :KEEP]  # the best KEEP (not the groups' best)
        rows = np.repeat(np.arange(self.n), KEEP).reshape(valid.shape)
        reduced = kept.scores[:, :KEEP] - kept.offset[np.maximum(kept.cols[:, :KEEP], 0)]  # best first
        near = valid & (reduced >= reduced[:, :1] - FIRST_SLACK)
        near[:, FIRST_ROW:] = False
        valid = valid & self.usable[np.maximum(kept.cols[:, :KEEP], 0)]
        c, s = kept.cols[:, :KEEP][valid], kept.scores[:, :KEEP][valid]
        order = np.argsort(c * 2.0 - s, kind="stable")  # by mentor, then best score first (s in [0, 1])
        c = c[order]
        first = np.concatenate([[0], np.cumsum(np.bincount(c, minlength=self.m))])[:-1]
        take = order[np.arange(c.size) - first[c] < FIRST_COVERAGE * self.capacity[c]]
        covering = np.zeros(c.size, bool)
        covering[take] = True
        near[valid] |= covering  # the valid pairs in row-major order, as c and s
        self.add(rows[near], kept.cols[:, :KEEP][near].astype(np.int64), kept.scores[:, :KEEP][near])

    def _score_outliers(self, prices: np.ndarray) -> None:
        """Score in full the mentors whose price is furthest below its estimate (offset - price more than
        OUTLIER above the median), up to EXACT_COLUMNS in all."""
        error = np.where(self.usable & ~self.in_columns, self.kept.offset - prices, -np.inf)
        if not np.isfinite(error).any():
            return
        median = float(np.median(error[np.isfinite(error)]))
        far = np.flatnonzero(error > median + OUTLIER)
        self._score_columns(far[np.argsort(-error[far], kind="stable")])

    def _cover_short(self) -> None:
        """Mentors in fewer than FIRST_COVERAGE x capacity kept pairs (the estimate priced them above what
        most mentees gain from them): scored in full, and their best mentees join the first graph, so that
        no mentor starts the first round nearly without candidates (its price would fall to 0 and loosen
        every mentee's bound)."""
        kept = self.kept
        held = kept.cols[:, :KEEP]
        count = np.bincount(held[held >= 0], minlength=self.m)
        want = FIRST_COVERAGE * self.capacity
        short = np.flatnonzero(self.usable & (count < want))
        half = min(EXACT_COLUMNS, self.m // EXACT_SHARE) // 2  # the other half for mentors whose price fell
        if not self._score_columns(short[np.argsort(count[short] - want[short], kind="stable")][:half]):
            return
        ids, scores = self.column_chunks[-1]
        step = 32  # columns at a time (a transposed copy)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

        def scan(start: int, last: int) -> None:
            for first in range(start, last, step):
                stop = min(last, first + step)
                part, some = np.ascontiguousarray(scores[:, first:stop].T), ids[first:stop]
                local, mentees = _best_columns(part, want[some])  # a mentor wanting fewer gets its best
                found.append((mentees, some[local], part[local, mentees].astype(np.float64)))  # atomic (GIL)

        _two_threads(scan, ids.size, step)
        self.add(*(np.concatenate(parts) for parts in zip(*found, strict=True)))  # one sort of the graph's keys

    def _score_columns(self, wanted: np.ndarray) -> bool:
        """Score these mentors in full (most wanted first), up to EXACT_COLUMNS in all: whether any was."""
        room = min(EXACT_COLUMNS, self.m // EXACT_SHARE) - self.column_ids.size
        far = np.sort(wanted[:room]) if room > 0 else wanted[:0]
        if far.size == 0:
            return False
        scores = np.empty((self.n, far.size), np.float32)
        view = self.source.columns(far)

        def scan(first: int, last: int) -> None:
            for start in range(first, last, BLOCK_ROWS * 16):
                stop = min(last, start + BLOCK_ROWS * 16)
                scores[start:stop] = view.rows(start, stop)

        _threaded(scan, self.n)
        np.fmax(scores, -np.inf, out=scores)  # forbidden: -inf
        self.column_ids = np.concatenate([self.column_ids, far])
        self.column_chunks.append((far, scores))
        self.in_columns[far] = True
        return True

    def _column_hits(self, prices: np.ndarray, values: np.ndarray):
        """Each mentee's best reduced gain over the mentors scored in full (exact), and those pairs within SLACK
        of its dual (at most ROW_CANDIDATES each)."""
        best = np.zeros(self.n)
        found = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
        for ids, chunk in self.column_chunks:
            offset = self.beta - prices[ids]
            for start in range(0, self.n, ROUND_ROWS // 4):  # float64 temporaries, up to 1,024 columns wide
                stop = min(self.n, start + ROUND_ROWS // 4)
                raw = chunk[start:stop]
                reduced = raw + offset
                top = reduced.max(axis=1)
                best[start:stop] = np.maximum(best[start:stop], top)
                hit = reduced >= (values[start:stop] - SLACK)[:, None]
                rows, positions = _row_hits(reduced, hit, top, 0)
                found.append((rows + start, ids[positions], raw[rows, positions].astype(np.float64)))
        rows, cols, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
        return best, (rows, cols, scores)

    def _kept_hits(self, prices: np.ndarray, values: np.ndarray):
        """Each mentee's best reduced gain (W - price, >= 0) over its kept pairs, and the kept pairs within
        SLACK of its dual (at most ROW_CANDIDATES each); a slice of mentees at a time."""
        kept = self.kept
        best = np.zeros(self.n)
        found = []
        for start in range(0, self.n, ROUND_ROWS):
            stop = min(self.n, start + ROUND_ROWS)
            cols = kept.cols[start:stop]
            valid = cols >= 0
            reduced = np.where(valid, self.beta + kept.scores[start:stop] - prices[np.maximum(cols, 0)], -np.inf)
            top = reduced.max(axis=1)
            best[start:stop] = np.maximum(top, 0.0)
            hit = valid & (reduced >= (values[start:stop] - SLACK)[:, None])
            rows, positions = _row_hits(reduced, hit, top, 0)
            found.append(
                (rows + start, cols[rows, positions].astype(np.int64), kept.scores[start:stop][rows, positions])
            )
        rows, cols, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
        return best, rows, cols, scores

    def _rescan(self, suspect: np.ndarray, prices: np.ndarray, values: np.ndarray):
        """Score these mentees' rows again: their exact best reduced gain over all mentors, and their pairs
        within SLACK of their dual (at most ROW_CANDIDATES each)."""
        self.rescored += int(suspect.size)
        exact = np.zeros(suspect.size)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        offset = self.beta - prices  # inf price (no places) -> -inf
        kept = self.kept

        def scan(first: int, last: int) -> None:
            for start in range(first, last, RESCAN_ROWS):
                stop = min(last, start + RESCAN_ROWS)
                rows = suspect[start:stop]
                raw = self.source.take(rows).astype(np.float64)
                block = raw + offset
                np.fmax(block, -np.inf, out=block)
                top = block.max(axis=1)
                exact[start:stop] = np.maximum(top, 0.0)
                hit = block >= np.maximum(values[rows] - SLACK, -1e30)[:, None]
                local, cols = _row_hits(block, hit, top, 0)
                found.append((rows[local], cols, raw[local, cols]))
                # Keep their best pairs by reduced gain at these prices, and bound the rest by group: as
                # prices settle, the bound of the next round is then close to exact.
                kept.cols[rows], kept.scores[rows] = -1, -np.inf
                _keep_block(block, rows, top, kept)
                held = kept.cols[rows, :KEEP]
                local = np.repeat(np.arange(rows.size), KEEP).reshape(held.shape)
                inside = held >= 0
                kept.scores[rows, :KEEP] = np.where(inside, raw[local, np.maximum(held, 0)], -np.inf)
                np.fmax(raw, -np.inf, out=raw)
                raw[:, ~self.usable] = -np.inf
                reduced = (raw - kept.offset).astype(np.float32)
                reduced[local[inside], held[inside]] = -np.inf
                _champions(reduced, rows, kept, raw)

        _threaded(scan, suspect.size)
        if not found:
            return exact, (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        r, c, s = (np.concatenate(parts) for parts in zip(*found, strict=True))
        return exact, (r.astype(np.int64), c.astype(np.int64), s)
