"""Mentor prices estimated from a sample of mentees, before the blocked solver's one pass over all of them.
Pure numpy/OR-Tools, no Django.

The optimum's mentor prices (the LP duals, see solver.py) depend on the cohort's make-up, not on who exactly
is in it: a sample of SAMPLE_ROWS mentees, each standing for n / SAMPLE_ROWS of them (a supply of that many
units in the flow), competing for every mentor's full capacity, has nearly the same prices. With them the
scoring pass keeps each mentee's best mentors by *reduced* gain (score - price): the pairs the optimum uses,
not only the most popular mentors, so that the first flow is nearly optimal and the certificate's bound for
the pairs not kept is tight. The prices are only a guide; the certificate decides (blocked.py).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from .solver import LEVEL_GAP, _best_columns, _Costs, _price_levels, _prices, _two_threads

SAMPLE_ROWS = 4096
SAMPLE_SHARE_FROM = 256  # below 8 x SAMPLE_ROWS mentees, an eighth of them (but at least this many)
ROUNDS = 3
STEPS = 1e5  # integer cost steps per best score: a guide needs no finer prices
TOLERANCE = 0.01  # a guide: the sample's gap may be 1% of its total
EXTRA = 8  # candidates per sampled mentee and round beyond its supply
BLOCK = 64  # rows per block of a pass over the sample


def sample_rows(n: int) -> np.ndarray:
    """Evenly spread mentee indices (sorted): SAMPLE_ROWS, or an eighth of a smaller cohort (the sample is
    held whole: SAMPLE_ROWS x mentors float32, 330 MB at 20,000 mentors)."""
    count = min(n, SAMPLE_ROWS, max(SAMPLE_SHARE_FROM, n // 8))
    return np.unique(np.linspace(0, n - 1, num=count).astype(np.int64))


def estimate_prices(sample: np.ndarray, n: int, costs: _Costs) -> np.ndarray:
    """Mentor prices (score units; inf for mentors without places) of the flow where the rows of `sample`
    (float32 scores, -inf = forbidden or no places) share n units of demand: at most ROUNDS rounds of
    candidates by reduced gain, as solver._solve_flow for the sample, stopping at a gap of TOLERANCE."""
    count, m = sample.shape
    supply = np.full(count, n // count, np.int64)
    supply[: n - int(supply.sum())] += 1  # the units add up to n
    limit = min(m, int(supply.max()) + EXTRA)
    prices = np.where(costs.usable, 0.0, np.inf)
    keys = np.zeros(0, np.int64)
    _, found = _best_and_candidates(sample, prices, costs, limit)
    for round_ in range(1, ROUNDS + 1):
        keys = np.union1d(keys, found)
        rows, cols = np.divmod(keys, m)
        scores = sample[rows, cols].astype(np.float64)
        weights = costs.weight(scores)
        flow = _supply_flow(costs, count, supply, rows, cols, weights)
        prices = _prices(costs, rows, cols, weights, flow > 0, flow=flow, supply=supply)
        # The bound at these prices, and the next round's candidates from the same pass
        best, found = _best_and_candidates(sample, prices, costs, limit if round_ < ROUNDS else 0)
        finite = np.isfinite(prices)
        upper = float((supply * best).sum() + (costs.capacity[finite] * prices[finite]).sum())
        achieved = float((flow * (costs.beta + scores)).sum())
        if upper - achieved <= TOLERANCE * max(float((flow * scores).sum()), 1e-9):
            break
    return prices


def _best_and_candidates(
    sample: np.ndarray, prices: np.ndarray, costs: _Costs, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best reduced gain (beta + score - price) over all mentors (>= 0), and (if limit) its best
    `limit` pairs by reduced gain, as keys row x m + column. In float32, with the price split into levels for
    "participation" as in blocked._guide: the order of the gains is kept, and each row's best is recomputed
    in float64."""
    count, m = sample.shape
    level, rest = _price_levels(prices, costs)
    shift = np.where(np.isfinite(prices), rest + LEVEL_GAP * level, np.inf).astype(np.float32)
    best = np.zeros(count)
    found: list[np.ndarray] = []

    def scan(first: int, last: int) -> None:
        for start in range(first, last, BLOCK):
            stop = min(last, start + BLOCK)
            block = sample[start:stop] - shift
            at = block.argmax(axis=1)
            local = np.arange(stop - start)
            gains = costs.beta + sample[start:stop][local, at].astype(np.float64) - prices[at]
            best[start:stop] = np.where(np.isfinite(gains), np.maximum(gains, 0.0), 0.0)
            if limit:
                rows, cols = _best_columns(block, limit)
                found.append((rows + start) * m + cols)  # list.append: atomic under the GIL

    _two_threads(scan, count, BLOCK)
    return best, (np.concatenate(found) if found else np.zeros(0, np.int64))  # callers take a union


def _supply_flow(
    costs: _Costs, count: int, supply: np.ndarray, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Min-cost flow where sampled mentee i sends up to supply[i] units (each pair up to supply[i] of them):
    the units each pair carries."""
    m = costs.m
    sink, source = count + m, count + m + 1
    mentors = np.flatnonzero(costs.usable)
    flow = min_cost_flow.SimpleMinCostFlow()
    unit_costs = -(weights - costs.bonus) if costs.participation else -weights
    flow.add_arcs_with_capacity_and_unit_cost(
        rows.astype(np.int32), (count + cols).astype(np.int32), supply[rows], unit_costs
    )
    supplies = np.zeros(count + m + 2, np.int64)
    total = int(supply.sum())
    if costs.participation:  # the most units placed, then the best total
        tails = np.concatenate([np.full(count, source), count + mentors])
        heads = np.concatenate([np.arange(count), np.full(mentors.size, sink)])
        supplies[source] = total
    else:  # a unit may stay unplaced at cost 0
        tails = np.concatenate([np.arange(count), count + mentors])
        heads = np.concatenate([np.full(count, sink), np.full(mentors.size, sink)])
        supplies[:count] = supply
    capacities = np.concatenate([supply, costs.capacity[mentors]])
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, np.zeros(tails.size, np.int64)
    )
    supplies[sink] = -total
    flow.set_nodes_supplies(np.arange(count + m + 2, dtype=np.int32), supplies)
    status = flow.solve_max_flow_with_min_cost() if costs.participation else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"Min-cost flow failed with status {status!r}.")
    return np.asarray(flow.flows(np.arange(rows.size)), np.int64)
