"""Explanations of single pairs: the score, each criterion's contribution with a readable label naming the
values behind it, or why the pair is forbidden. The same rules as the score matrix (see scoring)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from .profiles import Criterion, Profile
from .rules import (
    WORKDAY_HOURS,
    answer,
    attribute_value,
    is_number,
    level_allowed,
    norm,
    numeric,
    scale_fit,
    soft_criteria,
    tokens,
    tz_gap,
    utc_offset_hours,
)


@dataclass(frozen=True)
class Explanation:
    score: float | None  # None when forbidden
    parts: list[tuple[str, float]]  # (label, contribution), biggest first; contributions sum to score
    forbidden: str | None = None  # why the pair is not allowed


def _shown(criterion: Criterion, *answers: Any) -> dict[str, str]:
    """Normalized value -> how to show it (the option's spelling, else the first spelling seen)."""
    shown = dict(_option_names(criterion.options))
    for given in answers:
        items = given if isinstance(given, list | tuple | set | frozenset) else [given]
        for item in items if given is not None else ():
            shown.setdefault(norm(item), " ".join(str(item).split()))
    return shown


@lru_cache(maxsize=256)
def _option_names(options: tuple[str, ...]) -> dict[str, str]:
    """Normalized option -> its spelling (the first of equals): once per question, not per pair."""
    names: dict[str, str] = {}
    for option in options:
        names.setdefault(norm(option), option)
    return names


def _listing(values: Iterable[str], shown: dict[str, str], limit: int = 3) -> str:
    names = sorted(shown.get(v, v) for v in values)
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def explain(
    mentee: Profile,
    mentor: Profile,
    criteria: list[Criterion],
    *,
    program_kind: str,
    max_tz_gap_hours: int | None,
    excluded: Iterable[tuple[int, int]] = frozenset(),
    now: datetime | None = None,
) -> Explanation:
    """The score of one pair and each criterion's contribution (weight share x criterion score, labelled
    with the values that made it), biggest first; or why the pair is forbidden. Agrees with score_matrix
    to float32 precision (score_matrix computes in float32)."""
    explainer = Explainer(criteria, program_kind=program_kind, max_tz_gap_hours=max_tz_gap_hours, now=now)
    return explainer(mentee, mentor, excluded=excluded)


class Explainer:
    """`explain` for the many pairs of one run: the criteria normalised once (soft ones, weight shares), the
    excluded pairs made a set once, not per pair. `Explainer(...)(mentee, mentor)` == explain(...)."""

    def __init__(
        self,
        criteria: list[Criterion],
        *,
        program_kind: str,
        max_tz_gap_hours: int | None,
        excluded: Iterable[tuple[int, int]] = frozenset(),
        now: datetime | None = None,
    ) -> None:
        self.criteria, self.kind, self.max_gap, self.now = criteria, program_kind, max_tz_gap_hours, now
        self.excluded = frozenset(excluded)
        soft = soft_criteria(criteria)
        total = sum(c.weight for c in soft)
        self.shares = [(c, c.weight / total) for c in soft]
        self.musts = [c for c in criteria if c.rule == "must"]

    def __call__(
        self, mentee: Profile, mentor: Profile, *, excluded: Iterable[tuple[int, int]] | None = None
    ) -> Explanation:
        excluded_set = self.excluded if excluded is None else frozenset(excluded)
        reason = _forbidden(mentee, mentor, self.musts, self.kind, self.max_gap, excluded_set, self.now)
        if reason:
            return Explanation(score=None, parts=[], forbidden=reason)
        parts = []
        for c, share in self.shares:
            scale = not c.key.startswith("attr:") and numeric([mentee, mentor], c.key)
            value, label = _criterion(c, mentee, mentor, self.kind, self.now, scale)
            parts.append((label, share * value))
        parts.sort(key=lambda part: -part[1])
        return Explanation(score=float(sum(v for _, v in parts)), parts=parts, forbidden=None)


def _criterion(
    c: Criterion, mentee: Profile, mentor: Profile, kind: str, now: datetime | None, scale: bool
) -> tuple[float, str]:
    if c.key.startswith("attr:"):
        return _attribute_part(c, mentee, mentor, kind, now)
    a, b = answer(mentee, c.key), answer(mentor, c.key)
    if a is None or b is None:
        return 0.0, f"{c.label}: no answer"
    if scale and is_number(a) and is_number(b):
        value = scale_fit(c.rule)(a, b)
        return value, f"{c.label}: {a:g} and {b:g}"
    ta, tb = tokens(a), tokens(b)
    shown = _shown(c, a, b)
    common = ta & tb
    if c.rule == "offers_wants":
        value = len(common) / len(ta) if ta else 0.0
        text = f"Can help with {_listing(common, shown)}" if common else f"{c.label}: nothing wanted is offered"
        return value, text
    ochiai = len(common) / math.sqrt(len(ta) * len(tb)) if ta and tb else 0.0
    if c.rule == "different":
        text = f"{c.label}: different answers" if not common else f"{c.label}: both chose {_listing(common, shown)}"
        return 1 - ochiai, text
    text = f"Both chose {_listing(common, shown)}" if common else f"{c.label}: different answers"
    return ochiai, text


def _attribute_part(c: Criterion, mentee: Profile, mentor: Profile, kind: str, now) -> tuple[float, str]:
    if c.key == "attr:job_level":
        x, y = mentee.job_level, mentor.job_level
        value = attribute_value(c, x, y, program_kind=kind, peer=False)
        gap = y - x
        if gap == 0:
            return value, "Same job level"
        word = "senior" if gap > 0 else "junior"
        return value, f"Mentor {abs(gap)} level{'s' if abs(gap) != 1 else ''} more {word}"
    if c.key == "attr:time_zone":
        zone_x, zone_y = utc_offset_hours(mentee.time_zone, now), utc_offset_hours(mentor.time_zone, now)
        if zone_x is None or zone_y is None:
            return 0.0, "Working hours: unknown time zone"
        value = attribute_value(c, zone_x, zone_y, program_kind=kind, peer=False)
        hours = value * WORKDAY_HOURS
        if hours <= 0:
            return value, f"No shared working hours ({tz_gap(zone_x, zone_y):g} h apart)"
        return value, f"{hours:g} h of shared working hours"
    field = c.key.removeprefix("attr:")
    text_x, text_y = getattr(mentee, field).strip() or None, getattr(mentor, field).strip() or None
    value = attribute_value(c, text_x, text_y, program_kind=kind, peer=False)
    noun = "department" if field == "department" else "location"
    if text_x is None or text_y is None:
        return value, f"{c.label}: unknown"
    if norm(text_x) == norm(text_y):
        return value, f"Same {noun} ({text_x})" if field == "department" else f"Both in {text_x}"
    return value, f"Different {noun}s ({text_x} / {text_y})"


def _forbidden(mentee, mentor, criteria, kind, max_gap, excluded: frozenset, now) -> str | None:
    if mentee.employee_id == mentor.employee_id:
        return "the same person"
    if mentor.employee_id in mentee.manager_chain:
        return "the mentor is in the mentee's management chain"
    if mentee.employee_id in mentor.manager_chain:
        return "the mentee is in the mentor's management chain"
    if not level_allowed(kind, mentor_level=mentor.job_level, mentee_level=mentee.job_level):
        if kind == "reverse":
            return "in reverse mentoring the mentor must be more junior than the mentee"
        return "the mentor must be at least as senior as the mentee"
    if max_gap is not None:
        x, y = utc_offset_hours(mentee.time_zone, now), utc_offset_hours(mentor.time_zone, now)
        if x is not None and y is not None and tz_gap(x, y) > max_gap:
            return f"time zones {tz_gap(x, y):g} h apart (the program allows {max_gap} h)"
    for c in criteria:
        if c.rule == "must":
            a, b = tokens(answer(mentee, c.key)), tokens(answer(mentor, c.key))
            if a and b and not a & b:
                return f"no common answer to “{c.label}”"
    if (mentee.participant_id, mentor.participant_id) in excluded:
        return "excluded from re-matching (declined or ended before)"
    return None
