"""Retention and promotions of the impact report (analytics.reports.impact), participants against their
comparison group over 12 months from the index date: Kaplan-Meier curves of staying (leaving is the event),
with 95 % intervals and the difference in points; job-level increases per 100 person-years, with exact
Poisson intervals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.utils.translation import gettext_noop

from .. import stats, suppression
from ..suppression import Figure
from .impact_controls import History

FOLLOW_UP_DAYS = 365
MONTH = 365.25 / 12


def _fewer_than_a_month(k: int) -> str:
    return suppression.Sentence(gettext_noop("Fewer than %(k)s people have been followed for a month yet."), k=k)


@dataclass
class CurvePoint:
    month: int
    participants: tuple[float, ...] | None  # (retained, lower, upper), as shares
    comparison: tuple[float, ...] | None


@dataclass
class Retention:
    horizon_months: int  # 12, or fewer when not enough people have been followed that long
    participants: Figure  # percent retained at the horizon: value (estimate, lower, upper)
    comparison: Figure
    difference: Figure  # percentage points (estimate, lower, upper)
    curve: list[CurvePoint] = field(default_factory=list)
    note: str = ""


@dataclass
class Promotions:
    participants: Figure  # per 100 person-years: (rate, lower, upper)
    comparison: Figure
    participants_person_years: float = 0.0
    comparison_person_years: float = 0.0


def _follow_up(people: list[tuple[int, date]], employees: dict[int, tuple], today: date):
    """(durations in days, left within the follow-up?) for each (employee, index date)."""
    durations, events = [], []
    for pk, start in people:
        left_on = employees[pk][3]
        end = min(start + timedelta(days=FOLLOW_UP_DAYS), today)
        if left_on is not None and start < left_on <= end:
            durations.append((left_on - start).days)
            events.append(True)
        else:
            durations.append(max(0, (end - start).days))
            events.append(False)
    return np.array(durations, dtype=float), np.array(events, dtype=bool)


def retention(treated, controls, employees, today: date, k: int) -> Retention:
    t_durations, t_events = _follow_up(treated, employees, today)
    c_durations, c_events = _follow_up(controls, employees, today)
    horizon = 0
    for months in range(12, 0, -1):
        days = min(months * MONTH, FOLLOW_UP_DAYS)  # twelve months is the 365 days of follow-up
        if (t_durations >= days).sum() + (t_events & (t_durations < days)).sum() >= k and (
            c_durations >= days
        ).sum() + (c_events & (c_durations < days)).sum() >= k:
            horizon = months
            break
    survival_t, survival_c = stats.kaplan_meier(t_durations, t_events), stats.kaplan_meier(c_durations, c_events)
    if horizon == 0:
        hidden = suppression.figure(None, 0, k)
        return Retention(0, hidden, hidden, hidden, note=_fewer_than_a_month(k))
    days = min(horizon * MONTH, FOLLOW_UP_DAYS)
    difference = stats.survival_difference(survival_t, survival_c, days)
    retention = Retention(
        horizon_months=horizon,
        participants=suppression.figure(_percents(survival_t.at(days)), len(treated), k),
        comparison=suppression.figure(_percents(survival_c.at(days)), len(controls), k),
        difference=suppression.figure(
            _percents((difference.estimate, difference.lower, difference.upper)), min(len(treated), len(controls)), k
        ),
        note=""
        if horizon == 12
        else suppression.Sentence(
            gettext_noop("Read at %(horizon)s months: fewer than %(k)s people have been followed for 12."),
            horizon=horizon,
            k=k,
        ),
    )
    for month in range(horizon + 1):
        moment = month * MONTH
        retention.curve.append(CurvePoint(month, _percents(survival_t.at(moment)), _percents(survival_c.at(moment))))
    return retention


def promotions(treated, controls, employees, history: History, today: date, k: int) -> Promotions:
    def rate(people):
        years, promotions = 0.0, 0
        durations, _events = _follow_up(people, employees, today)
        for (pk, start), days in zip(people, durations, strict=True):
            years += days / 365.25
            promotions += history.promoted_between(pk, start, start + timedelta(days=int(days)))
        return promotions, years

    t_promotions, t_years = rate(treated)
    c_promotions, c_years = rate(controls)
    return Promotions(
        participants=suppression.figure(_rounded(stats.poisson_rate(t_promotions, t_years, 100)), len(treated), k),
        comparison=suppression.figure(_rounded(stats.poisson_rate(c_promotions, c_years, 100)), len(controls), k),
        participants_person_years=round(t_years, 1),
        comparison_person_years=round(c_years, 1),
    )


def _percents(shares: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(100 * share, 1) for share in shares)


def _rounded(values: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(value, 1) for value in values)
