"""The assignment at scale, without the dense matrix: the flow method of solver.py over scores that arrive
in row blocks. Pure numpy/OR-Tools, no Django.

`solve_blocked(source, mentor_capacity, objective=...)` answers what `solver.solve` answers for the matrix the
source would build, but holds only O(mentees x (KEEP + GROUPS)) of it (100,000 x 20,000 as a matrix: 8 GB of
float32; here about 100 MB):

1. Demand: a sample of PILOT_ROWS mentees estimates each mentor's demand per place; the solver orders the
   mentors by it and cuts them into GROUPS groups of like demand, hence of like price later.
2. One pass over the source, two threads, one block of BLOCK_ROWS rows at a time: each mentee keeps its best
   KEEP mentors (ties broken by a fixed jitter, so equals spread over mentors) and, per group, the best score
   it did NOT keep.
3. The rounds of solver._solve_flow: candidate graph from the kept pairs by reduced gain, OR-Tools min-cost
   flow, mentor prices from its residual graph.
4. The certificate (weak duality, as in solver.py): each mentee's best reduced gain (score - price) over ALL
   mentors. Over the kept pairs it is exact; a mentor outside them is priced from its group: its score is at
   most the group's best not kept, its price at least the group's lowest. Where that bound is above the kept
   best and the gap is not proven with it, the mentee's row is scored again from the source (one block of
   rows, never the matrix): the bound becomes exact, the rescan yields the pairs worth adding, and the row
   keeps its best pairs at these prices (so that the next round's bound is close to exact).
   The answer is proven within GAP_TOLERANCE of the optimum of the whole matrix, never "top-k good enough".
5. No cliff: no path here builds the dense matrix. A run that cannot be proven within `max_rounds` or
   `budget_seconds` returns its best feasible answer with the measured gap (certificate.proven False).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from .solver import (
    COVERAGE,
    GAP_TOLERANCE,
    MAX_ROUNDS,
    OBJECTIVES,
    ROW_CANDIDATES,
    SLACK,
    _Costs,
    _jitter,
    _min_cost_flow,
    _prices,
    _row_hits,
)

# The MatchRun (and bench --scale "auto") use this path above this many mentee x mentor cells, the dense
# matrix and solver.solve below: at 10,000 x 2,000 (20 M cells) the dense path is the faster (0.8 s).
LARGE_COHORT_CELLS = 50_000_000
KEEP = 32  # mentors kept per mentee from the scoring pass
GROUPS = 128  # groups of mentors by demand, each priced by its lowest price for the pairs not kept
PILOT_ROWS = 2048  # mentees sampled to estimate each mentor's demand
DEMAND_SCALE = 0.05  # score difference over which a mentee's interest falls by e
# Kept: the best KEEP among those within DELTA of the mentee's best; a mentee with fewer widens to the next,
# and after the last keeps what it has (the groups bound the rest).
DELTAS = (0.1, 0.2, 0.3, 0.5)
DEBUG = False  # print each round
ROUND_ROWS = 8192  # mentees per slice of a round's pass over the kept pairs
RESCAN_ROWS = 128  # rows per block of a rescan (float64, several temporaries)
BLOCK_ROWS = 256  # rows per block: 256 x 40,000 float32 is 40 MB per thread


class Source(Protocol):
    """Scores in row blocks: float (rows, mentors) in [0, 1], NaN = forbidden."""

    shape: tuple[int, int]

    def rows(self, start: int, stop: int) -> np.ndarray: ...

    def take(self, indices: np.ndarray) -> np.ndarray: ...

    def reorder(self, columns: np.ndarray) -> Source:
        """The same scores with the mentor columns in this order."""
        ...


class DenseSource:
    """A matrix already in memory as a Source (tests, and comparisons with the dense solver)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = np.asarray(matrix, dtype=np.float64 if np.asarray(matrix).dtype.itemsize > 4 else np.float32)
        self.shape = self.matrix.shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        return self.matrix[start:stop].copy()

    def take(self, indices: np.ndarray) -> np.ndarray:
        return self.matrix[np.asarray(indices, np.int64)]

    def reorder(self, columns: np.ndarray) -> DenseSource:
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
    and group of mentors (columns starts[g]..starts[g + 1] - 1 of the solver's order, mentors of like demand) the
    best score not kept (-inf: none)."""

    cols: np.ndarray  # int32 (n, KEEP + len(starts)): the best KEEP, then each group's best of the rest
    scores: np.ndarray  # float64, the same shape, -inf where cols is -1
    groups: np.ndarray  # float32 (n, len(starts)): per group, the best score of those not in cols
    starts: np.ndarray  # int64: groups of `size` consecutive columns (the last may be shorter)
    size: int

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
    order = _demand_order(source, capacity)  # the solver works with mentors in this order
    view, capacity = source.reorder(order), capacity[order]
    kept, high = _keep(view, capacity > 0)
    if np.isfinite(high):
        result = _Rounds(view, capacity, objective, high, kept).run(max_rounds, budget_seconds, started)
    else:  # every pair forbidden, or no places
        result = Result([], [], empty, kept)
    result.pairs = [(i, int(order[j])) for i, j in result.pairs]
    kept.cols = np.where(kept.cols >= 0, order[np.maximum(kept.cols, 0)], -1).astype(np.int32)
    return result


def _empty_kept(n: int, m: int) -> Kept:
    size = max(1, -(-m // GROUPS))
    starts = np.arange(0, m, size, dtype=np.int64)
    return Kept(
        np.full((n, KEEP + starts.size), -1, np.int32),
        np.full((n, KEEP + starts.size), -np.inf),
        np.full((n, starts.size), -np.inf, np.float32),
        starts,
        size,
    )


def _champions(block: np.ndarray, target: np.ndarray, kept: Kept) -> None:
    """For rows `target`, from `block` (their scores, -inf where not allowed or already kept): per group of
    mentors the best one (kept too, with its exact score) and the best score after it (the group's bound)."""
    count, m = block.shape
    groups, size = kept.starts.size, kept.size
    if groups * size != m:
        padded = np.full((count, groups * size), -np.inf, block.dtype)
        padded[:, :m] = block
    else:
        padded = block
    view = padded.reshape(count, groups, size)
    best_at = view.argmax(axis=2)[:, :, None]
    best = np.take_along_axis(view, best_at, axis=2)[:, :, 0].astype(np.float64)
    np.put_along_axis(view, best_at, -np.inf, axis=2)
    kept.groups[target] = view.max(axis=2)
    found = np.isfinite(best)
    kept.cols[target, KEEP:] = np.where(found, best_at[:, :, 0] + kept.starts, -1)
    kept.scores[target, KEEP:] = np.where(found, best, -np.inf)


def _demand_order(source: Source, capacity: np.ndarray) -> np.ndarray:
    """Mentors by estimated demand per place, highest first, from a sample of mentees: each spreads one unit
    over its mentors within DELTAS[0] of its best. Mentors of like demand end up with like prices, so that a
    group's lowest price is close to each of its mentors' (the certificate's bound for pairs not kept)."""
    n, m = source.shape
    usable = capacity > 0
    sample = np.unique(np.linspace(0, n - 1, num=min(n, PILOT_ROWS)).astype(np.int64))
    demand = np.zeros(m)
    mask = np.where(usable, 0.0, -np.inf).astype(np.float32)
    for start in range(0, sample.size, BLOCK_ROWS):
        block = source.take(sample[start : start + BLOCK_ROWS]).astype(np.float32)
        block += mask
        np.fmax(block, -np.inf, out=block)
        top = block.max(axis=1)
        # Soft: each mentor's share of the mentee's attention, exp((score - best) / DEMAND_SCALE), sums to 1.
        block -= np.where(np.isfinite(top), top, 0.0).astype(np.float32)[:, None]
        block /= np.float32(DEMAND_SCALE)
        np.exp(block, out=block)
        demand += (block / np.maximum(block.sum(axis=1, keepdims=True), 1e-30)).sum(axis=0)
    per_place = np.where(usable, demand / np.maximum(capacity, 1), -1.0)
    return np.argsort(-per_place, kind="stable")


def _keep(source: Source, usable: np.ndarray) -> tuple[Kept, float]:
    """The scoring pass: each mentee's best KEEP mentors and its best score not kept per group of mentors; the
    best score of all."""
    n, m = source.shape
    kept = _empty_kept(n, m)
    tops = np.full(n, -np.inf)
    mask = np.where(usable, 0.0, -np.inf).astype(np.float32)

    def scan(first: int, last: int) -> None:
        for start in range(first, last, BLOCK_ROWS):
            stop = min(last, start + BLOCK_ROWS)
            block = source.rows(start, stop)
            block += mask  # a mentor without places: -inf
            np.fmax(block, -np.inf, out=block)  # forbidden (NaN): -inf
            tops[start:stop] = block.max(axis=1)
            _keep_block(block, np.arange(start, stop), tops[start:stop], kept)
            held = kept.cols[start:stop, :KEEP]
            local = np.repeat(np.arange(stop - start), KEEP).reshape(held.shape)
            block[local[held >= 0], held[held >= 0]] = -np.inf
            _champions(block, np.arange(start, stop), kept)

    _threaded(scan, n)
    return kept, float(tops.max(initial=-np.inf))


def _keep_block(block: np.ndarray, rows: np.ndarray, top: np.ndarray, kept: Kept) -> None:
    """Each row's best KEEP columns of `block` (values; -inf = not allowed) into kept.cols / kept.scores: those
    within the first delta of the row's best that gives KEEP of them (or fewer, within the last)."""
    m = block.shape[1]
    pending = np.arange(block.shape[0])
    for level, delta in enumerate(DELTAS):
        if pending.size == 0:
            return
        sub = block if pending.size == block.shape[0] else block[pending]
        floor = np.maximum(top[pending] - delta, -1e30).astype(block.dtype)
        flat = np.flatnonzero(sub >= floor[:, None])
        local, cols = flat // m, flat % m
        counts = np.bincount(local, minlength=pending.size)
        done = (counts >= KEEP) | (level == len(DELTAS) - 1)
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
    """scan(first, last) over all rows in two threads (numpy and BLAS release the GIL), one BLAS thread each."""
    middle = (n // 2 // BLOCK_ROWS) * BLOCK_ROWS if n >= 4 * BLOCK_ROWS else n
    with threadpool_limits(limits=1, user_api="blas"):
        if middle >= n:
            scan(0, n)
        else:
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda part: scan(*part), [(0, middle), (middle, n)]))


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
            # Exact over the kept pairs; for the rest, by group: score - price <= best not kept - lowest price.
            kept_best, new_r, new_c, new_s = self._kept_hits(prices, values)
            lowest = np.minimum.reduceat(prices, kept.starts)  # per group of mentors (inf: no places)
            rest_best = self.beta + _rest(kept.groups, lowest)
            suspect = np.flatnonzero(rest_best > kept_best)
            best = np.maximum(kept_best, rest_best)
            upper = float(best.sum()) + placed
            if DEBUG:
                print(
                    f"round {rounds}: {rows.size} arcs, gap {upper - achieved:.4f} (allowed {allowed:.4f}), "
                    f"{suspect.size} suspect rows, {time.perf_counter() - started:.2f} s"
                )
            if upper - achieved <= allowed:
                break
            if suspect.size:  # price the rows outside their kept pairs exactly, from the source
                exact, (r, c, s) = self._rescan(suspect, prices, values)
                best[suspect] = exact
                upper = float(best.sum()) + placed
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
        """Each mentee's best kept pairs (within SLACK of its best, at most ROW_CANDIDATES; kept pairs come
        best first), and each mentor's best mentees among the kept pairs (about COVERAGE x capacity)."""
        kept = self.kept
        valid = valid[:, :KEEP]  # the best KEEP (not the groups' best)
        rows = np.repeat(np.arange(self.n), KEEP).reshape(valid.shape)
        near = valid & (kept.scores[:, :KEEP] >= kept.scores[:, :1] - SLACK)
        near[:, ROW_CANDIDATES:] = False
        self.add(rows[near], kept.cols[:, :KEEP][near].astype(np.int64), kept.scores[:, :KEEP][near])
        r, c, s = rows[valid], kept.cols[:, :KEEP][valid].astype(np.int64), kept.scores[:, :KEEP][valid]
        usable = self.capacity[c] > 0
        r, c, s = r[usable], c[usable], s[usable]
        order = np.lexsort((-s, c))
        r, c, s = r[order], c[order], s[order]
        first = np.concatenate([[0], np.cumsum(np.bincount(c, minlength=self.m))])[:-1]
        rank = np.arange(c.size) - first[c]
        take = rank < COVERAGE * self.capacity[c]
        self.add(r[take], c[take], s[take])

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
                raw[local[inside], held[inside]] = -np.inf
                _champions(raw, rows, kept)

        _threaded(scan, suspect.size)
        if not found:
            return exact, (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        r, c, s = (np.concatenate(parts) for parts in zip(*found, strict=True))
        return exact, (r.astype(np.int64), c.astype(np.int64), s)
