"""Mentoring circles for group programs: members grouped around facilitators. Pure numpy, no Django.

`form_circles` builds the groups in three steps:

1. How many circles: as many as the members can fill (members // min_size), no more than the facilitators
   who can take at least min_size, and no fewer than needed to seat everyone (members / max_size). The
   facilitators chosen are those with the most good fits (sum of their best `target size` member scores).
2. Who goes where: `solver.solve` assigns members to the chosen facilitators (capacity min(capacity,
   max_size)), objective "participation": as many seated as possible, then the best facilitator fit. A circle
   left under min_size borrows members from circles above it, or is dissolved and its members re-seated.
3. Local search (deterministic, seeded), on the value of all circles together, where a circle's value is
       sum over members of fit with the facilitator
     + the members' mean pairwise value, each pair worth
           PEER_WEIGHT x member-member fit
         + DIVERSITY_WEIGHT if their departments differ        (a mix of departments)
         - REPEAT_PENALTY if they shared a circle before        (never repeat a pair when avoidable)
         - CLASH_PENALTY if they may not share one (NaN fit: no common language, too far apart, ...)
   Moves: a member to another circle (sizes stay within bounds), two members of different circles swap,
   a seated member swaps with one left out. Each member in turn takes its best improving move, until a
   full pass finds none.

Circles within groups (a program whose circles are formed within its audience groups): before step 1, each
facilitator is given one of their groups (`_circle_groups`), and a member outside that group becomes a
NaN fit with that facilitator. The steps above never seat anyone with a NaN fit, so every circle's
facilitator and members share that group: a hard constraint at the cost of one masked copy of the matrix.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .solver import solve

PEER_WEIGHT = 1.0
DIVERSITY_WEIGHT = 0.5
REPEAT_PENALTY = 100.0
CLASH_PENALTY = 100.0
MAX_PASSES = 50  # passes over everyone (those over the members of changed circles come between)
SEED = 20240601
EPSILON = 1e-9
# Large programs (issue 16: 10,000 members in under a minute): above this many members a member's swaps are
# sought among the members of its NEIGHBOUR_CIRCLES best-fitting circles (and those left out), not among
# everyone: a pass then costs members x neighbours x circle size instead of members squared. The gains of a
# swap are dominated by the facilitator fit of both sides, so the swaps left out are the unpromising ones.
NEIGHBOURHOOD_FROM = 2500
NEIGHBOUR_CIRCLES = 12


def form_circles(
    scores_member_x_facilitator: np.ndarray,
    member_member_fit: np.ndarray,
    departments: list[str],
    facilitator_capacity: np.ndarray,
    *,
    min_size: int,
    max_size: int,
    previous_pairs: Iterable[tuple[int, int]] = frozenset(),
    member_groups: np.ndarray | None = None,
    facilitator_groups: np.ndarray | None = None,
) -> list[tuple[int, list[int]]]:
    """Group members (rows of the score matrix) into circles around facilitators (its columns).

    scores_member_x_facilitator: (k, f) fit of each member with each facilitator in [0, 1], NaN = never
        in that facilitator's circle.
    member_member_fit: (k, k) symmetric fit of members with each other in [0, 1]; NaN = should not share a
        circle (avoided like a repeated pair; the diagonal is ignored).
    departments: each member's department (circles keep a mix).
    facilitator_capacity: (f,) how many members each facilitator takes at most (0 = leads no new circle).
    min_size, max_size: members per circle (the facilitator not counted).
    previous_pairs: (member index, member index) pairs who shared a circle in an earlier round.
    member_groups, facilitator_groups: (k, g) and (f, g) booleans, who belongs to which of g groups; given
        (both or neither), every circle is formed within one group: its facilitator and all its members
        belong to it (a facilitator in no group leads no circle).

    Returns [(facilitator index, sorted member indices)], sorted by facilitator: every circle has min_size to
    max_size members, each facilitator at most one circle and within capacity, no member twice, no member
    with a facilitator they may not have (NaN). Members who fit nowhere are left out. Deterministic.
    """
    scores = np.asarray(scores_member_x_facilitator, dtype=np.float64)
    k, f = scores.shape if scores.ndim == 2 else (0, 0)
    if scores.ndim != 2:
        raise ValueError("scores_member_x_facilitator must be a 2-D array (members x facilitators).")
    peer = np.asarray(member_member_fit, dtype=np.float64)
    capacity = np.asarray(facilitator_capacity)
    if peer.shape != (k, k):
        raise ValueError(f"member_member_fit must be {k} x {k}, got {peer.shape}.")
    if len(departments) != k:
        raise ValueError(f"departments must have {k} entries, got {len(departments)}.")
    if capacity.shape != (f,):
        raise ValueError(f"facilitator_capacity must have {f} entries, got {capacity.shape}.")
    if not 1 <= min_size <= max_size:
        raise ValueError(f"Circle sizes must satisfy 1 <= min_size <= max_size, got {min_size} and {max_size}.")
    capacity = np.minimum(capacity.astype(np.int64), max_size)
    if (member_groups is None) != (facilitator_groups is None):
        raise ValueError("Give member_groups and facilitator_groups together.")
    if member_groups is not None and facilitator_groups is not None:
        scores, capacity = _within_groups(scores, capacity, member_groups, facilitator_groups, min_size)
    eligible = np.flatnonzero(capacity >= min_size)
    if k < min_size or eligible.size == 0:
        return []
    pair_value = _pair_values(peer, departments, previous_pairs)
    chosen = _choose_facilitators(scores, capacity, eligible, k, min_size, max_size)
    while chosen.size:
        members_of = _assign(scores, capacity, chosen)
        short = [c for c, members in enumerate(members_of) if len(members) < min_size]
        if short:
            _borrow(members_of, short, scores, chosen, min_size)
            short = [c for c, members in enumerate(members_of) if len(members) < min_size]
        if not short:
            break
        # Dissolve the circle furthest from min_size; its people are seated elsewhere by the next solve.
        worst = min(short, key=lambda c: (len(members_of[c]), -chosen[c]))
        chosen = np.delete(chosen, worst)
    if chosen.size == 0:
        return []
    search = _Search(scores, pair_value, chosen, members_of, min_size, max_size, capacity)
    search.run()
    circles = [(int(chosen[c]), sorted(int(i) for i in members)) for c, members in enumerate(search.members_of)]
    return sorted((facilitator, members) for facilitator, members in circles if members)


def circle_groups(member_groups: np.ndarray, facilitator_groups: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Each facilitator's group (column index; -1: none). A facilitator in one group gets it; one in several
    gets, in turn (fewest groups first), the group whose members are least covered by the places of the
    facilitators given it so far, so several groups get circles rather than all facilitators crowding one."""
    members = np.asarray(member_groups, dtype=bool)
    leads = np.asarray(facilitator_groups, dtype=bool)
    demand = members.sum(axis=0).astype(np.float64)
    supply = np.zeros(leads.shape[1])
    chosen = np.full(leads.shape[0], -1, dtype=np.int64)
    counts = leads.sum(axis=1)
    for j in np.lexsort((np.arange(leads.shape[0]), counts)):
        options = np.flatnonzero(leads[j])
        if options.size == 0:
            continue
        need = demand[options] - supply[options]
        best = int(options[int(np.argmax(need))])  # ties: the lower group index
        chosen[j] = best
        supply[best] += capacity[j]
    return chosen


def _within_groups(
    scores: np.ndarray, capacity: np.ndarray, member_groups: np.ndarray, facilitator_groups: np.ndarray, min_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The scores with NaN wherever a member is outside their facilitator's group, and the capacities with 0
    for facilitators in no group or whose group has fewer than min_size members."""
    members = np.asarray(member_groups, dtype=bool)
    leads = np.asarray(facilitator_groups, dtype=bool)
    k, f = scores.shape
    if members.shape[0] != k or leads.shape[0] != f or members.shape[1] != leads.shape[1]:
        raise ValueError(f"member_groups must be {k} x g and facilitator_groups {f} x g, with the same g.")
    usable = np.where(capacity >= min_size, capacity, 0)
    chosen = circle_groups(members, leads, usable)
    allowed = np.zeros((k, f), dtype=bool)
    has_group = chosen >= 0
    allowed[:, has_group] = members[:, chosen[has_group]]
    masked = np.where(allowed, scores, np.nan)
    room = np.where(has_group & (allowed.sum(axis=0) >= min_size), capacity, 0)
    return masked, room


def _pair_values(peer: np.ndarray, departments: list[str], previous: Iterable[tuple[int, int]]) -> np.ndarray:
    clash = np.isnan(peer)
    value = PEER_WEIGHT * np.nan_to_num(peer, nan=0.0)
    codes = np.unique(np.asarray([str(d).strip().casefold() for d in departments], dtype=object), return_inverse=True)[
        1
    ]
    value += DIVERSITY_WEIGHT * (codes[:, None] != codes[None, :])
    value -= CLASH_PENALTY * clash
    for a, b in previous:
        if a != b and 0 <= a < peer.shape[0] and 0 <= b < peer.shape[0]:
            value[a, b] -= REPEAT_PENALTY
            value[b, a] -= REPEAT_PENALTY
    np.fill_diagonal(value, 0.0)
    return (value + value.T) / 2  # symmetric, whatever the input's rounding


def _choose_facilitators(
    scores: np.ndarray, capacity: np.ndarray, eligible: np.ndarray, k: int, min_size: int, max_size: int
) -> np.ndarray:
    target = (min_size + max_size) // 2
    # Enough circles for everyone at about the middle size, but only as many as can be filled.
    count = min(eligible.size, k // min_size, -(-k // target))
    # A facilitator's promise: the sum of their best `target` member scores (forbidden = 0).
    filled = np.nan_to_num(scores[:, eligible], nan=0.0)
    top = min(target, k)
    promise = np.sort(filled, axis=0)[k - top :].sum(axis=0)
    order = np.lexsort((eligible, -promise))  # best promise first, then the lower index
    return np.sort(eligible[order[:count]])


def _assign(scores: np.ndarray, capacity: np.ndarray, chosen: np.ndarray) -> list[list[int]]:
    pairs = solve(np.ascontiguousarray(scores[:, chosen]), capacity[chosen], objective="participation")
    members_of: list[list[int]] = [[] for _ in chosen]
    for member, circle in pairs:
        members_of[circle].append(member)
    return members_of


def _borrow(members_of: list[list[int]], short: list[int], scores: np.ndarray, chosen: np.ndarray, min_size: int):
    """Fill circles under min_size with members from circles above it (the move that costs least fit)."""
    for c in short:
        while len(members_of[c]) < min_size:
            best = None
            for d, members in enumerate(members_of):
                if d == c or len(members) <= min_size:
                    continue
                for i in members:
                    gain = scores[i, chosen[c]] - scores[i, chosen[d]]
                    if not np.isnan(gain) and (best is None or gain > best[0]):
                        best = (gain, d, i)
            if best is None:
                return
            _, d, i = best
            members_of[d].remove(i)
            members_of[c].append(i)


class _Search:
    """Local search over circles. `inside[c, i]` = sum of pair values between member i and circle c (circles
    as rows: moving a member updates one contiguous row per circle; pair values are symmetric)."""

    def __init__(self, scores, pair_value, chosen, members_of, min_size, max_size, capacity) -> None:
        self.fit = np.where(np.isnan(scores[:, chosen]), -np.inf, scores[:, chosen])
        self.pair = pair_value
        self.min_size, self.max_size = min_size, max_size
        self.room = capacity[chosen]
        self.members_of = [list(m) for m in members_of]
        k = scores.shape[0]
        self.circle = np.full(k, -1)
        for c, members in enumerate(self.members_of):
            self.circle[members] = c
        self.size = np.array([len(m) for m in self.members_of])
        # Per circle, the sum of its members' rows (not a k x k product with a one-hot matrix).
        self.inside = np.zeros((len(chosen), k))
        for c, members in enumerate(self.members_of):
            if members:
                self.inside[c] = pair_value[members].sum(axis=0)
        self.total_pairs = np.array([pair_value[np.ix_(m, m)].sum() / 2 for m in self.members_of])
        self.touched: set[int] = set()  # circles changed in the current pass

    def value_of(self, total_pairs: np.ndarray, size: np.ndarray) -> np.ndarray:
        return np.where(size > 1, total_pairs / np.maximum(size - 1, 1), 0.0)

    def run(self) -> None:
        """Passes over the members until a pass over all of them improves nothing (a local optimum). After a
        pass that improved something, the next looks only at the members of the circles it changed and
        those left out, whose moves and swaps changed most (at 10,000 members the last passes improve a few
        dozen members, and a pass over everyone costs 3 s); the final full pass confirms the optimum."""
        rng = np.random.default_rng(SEED)
        k = self.fit.shape[0]
        focus: np.ndarray | None = None  # None: everyone
        full_passes = 0
        while full_passes < MAX_PASSES:
            full_passes += focus is None
            self.touched = set()
            order = rng.permutation(k) if focus is None else focus[rng.permutation(focus.size)]
            improved = False
            for i in order:
                improved |= self._improve(int(i))
            if not improved:
                if focus is None:
                    return
                focus = None  # confirm with a pass over everyone
                continue
            changed = np.isin(self.circle, np.fromiter(self.touched, np.int64, len(self.touched)))
            focus = np.flatnonzero(changed | (self.circle < 0))
            if focus.size > k // 2:
                focus = None

    def _improve(self, i: int) -> bool:
        """Apply member i's best improving move or swap, if any."""
        with np.errstate(invalid="ignore"):  # -inf - -inf: both forbidden, dropped below
            options = [self._best_swap(i), self._best_move(i)]
        options = [o for o in options if o is not None and o[0] > EPSILON]
        if not options:
            return False
        _, kind, target = max(options, key=lambda o: o[0])
        if kind == "move":
            self._move(i, target)
        else:
            a, b = i, target
            ca, cb = self.circle[a], self.circle[b]
            if ca >= 0:
                self._move(a, -1)
            if cb >= 0:
                self._move(b, -1)
            if cb >= 0:
                self._move(a, cb)
            if ca >= 0:
                self._move(b, ca)
        return True

    def _circle_gain(self, c: int, removed_pairs: float, added_pairs: float, size_change: int) -> float:
        """Change of circle c's pair term when its pair sum and size change."""
        old = self.value_of(self.total_pairs[c : c + 1], self.size[c : c + 1])[0]
        new_pairs = self.total_pairs[c] - removed_pairs + added_pairs
        new = self.value_of(np.array([new_pairs]), np.array([self.size[c] + size_change]))[0]
        return new - old

    def _best_move(self, i: int):
        """i (seated or not) to another circle with room: the circle it leaves stays >= min_size."""
        c = self.circle[i]
        if c >= 0 and self.size[c] <= self.min_size:
            return None
        targets = np.flatnonzero((self.size < np.minimum(self.max_size, self.room)) & np.isfinite(self.fit[i]))
        targets = targets[targets != c]
        if targets.size == 0:
            return None
        # Leaving c: - fit, pair sum - inside[i, c], size - 1; someone left out leaves nothing.
        leave = 0.0 if c < 0 else -self.fit[i, c] + self._circle_gain(c, self.inside[c, i], 0.0, -1)
        # Joining t: + fit, pair sum + inside[i, t], size + 1 (vectorized over targets).
        old = self.value_of(self.total_pairs[targets], self.size[targets])
        new = self.value_of(self.total_pairs[targets] + self.inside[targets, i], self.size[targets] + 1)
        gains = self.fit[i, targets] + new - old + leave
        best = int(np.argmax(gains))
        return float(gains[best]), "move", int(targets[best])

    def _best_swap(self, i: int):
        """i trades places with a member of another circle, or a left-out member takes i's place."""
        c = self.circle[i]
        if c < 0:
            return None
        others = self._swap_candidates(i, c)
        if others.size == 0:
            return None
        d = self.circle[others]
        seated = d >= 0
        d_safe = np.where(seated, d, 0)
        pair_ij = self.pair[i, others]
        # Circle c: i leaves, j joins (same size).
        pairs_c = self.total_pairs[c] - self.inside[c, i] + self.inside[c, others] - pair_ij
        gain_c = self.fit[others, c] - self.fit[i, c]
        gain_c = (
            gain_c
            + self.value_of(pairs_c, np.full(others.size, self.size[c]))
            - self.value_of(self.total_pairs[c : c + 1], self.size[c : c + 1])
        )
        # Circle d: j leaves, i joins (same size); a left-out j has no circle.
        pairs_d = self.total_pairs[d_safe] - self.inside[d_safe, others] + self.inside[d_safe, i] - pair_ij
        gain_d = self.fit[i, d_safe] - self.fit[others, d_safe]
        gain_d = (
            gain_d
            + self.value_of(pairs_d, self.size[d_safe])
            - self.value_of(self.total_pairs[d_safe], self.size[d_safe])
        )
        gains = gain_c + np.where(seated, gain_d, 0.0)
        gains[~np.isfinite(gains)] = -np.inf
        if not gains.size or not np.isfinite(gains.max()):
            return None
        best = int(np.argmax(gains))
        return float(gains[best]), "swap", int(others[best])

    def _swap_candidates(self, i: int, c: int) -> np.ndarray:
        """Everyone outside circle c; in a large program, the members of i's best-fitting circles and those
        left out (see NEIGHBOURHOOD_FROM)."""
        k, circles = self.fit.shape
        if k < NEIGHBOURHOOD_FROM or circles <= NEIGHBOUR_CIRCLES:
            return np.flatnonzero(self.circle != c)
        near = np.argpartition(self.fit[i], circles - NEIGHBOUR_CIRCLES)[circles - NEIGHBOUR_CIRCLES :]
        members = [m for d in near.tolist() if d != c and np.isfinite(self.fit[i, d]) for m in self.members_of[d]]
        left_out = np.flatnonzero(self.circle < 0)
        return np.sort(np.concatenate([np.asarray(members, dtype=np.int64), left_out]))

    def _move(self, i: int, target: int) -> None:
        """Take i out of its circle (if any) and into `target` (-1: left out), keeping the sums."""
        c = self.circle[i]
        self.touched.update((int(c), int(target)))
        if c >= 0:
            self.total_pairs[c] -= self.inside[c, i]
            self.size[c] -= 1
            self.members_of[c].remove(i)
            self.inside[c] -= self.pair[i]
        if target >= 0:
            self.total_pairs[target] += self.inside[target, i]
            self.size[target] += 1
            self.members_of[target].append(i)
            self.inside[target] += self.pair[i]
        self.circle[i] = target
