"""The statistics of the impact report, in plain numpy: Kaplan-Meier survival with confidence intervals,
the difference of two survival curves at a time point, proportions (Wilson) and rates (Poisson).

Kaplan-Meier and its interval follow lifelines' defaults (the exponential Greenwood, or "log(-log)",
interval at 95 %), and tests/analytics/test_stats.py checks every figure against lifelines on the same data;
computing them here keeps the web process free of pandas and lifelines' import time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier curve: at each event time, the share still "alive" (here: still employed) and its 95 %
    interval. `at(t)` reads the curve at any time."""

    times: np.ndarray  # event times, ascending (0 first)
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    greenwood: np.ndarray  # sum of d / (n (n - d)) up to each time (for variances)
    n: int
    events: int

    def index(self, t: float) -> int:
        return int(np.searchsorted(self.times, t, side="right") - 1)

    def at(self, t: float) -> tuple[float, float, float]:
        """(estimate, lower, upper) at time t."""
        i = self.index(t)
        return float(self.survival[i]), float(self.lower[i]), float(self.upper[i])

    def variance_at(self, t: float) -> float:
        """Greenwood's variance of the estimate at time t."""
        i = self.index(t)
        return float(self.survival[i] ** 2 * self.greenwood[i])


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> Survival:
    """Kaplan-Meier estimate from follow-up `durations` (days) and `observed` (True: the event happened at
    that time; False: still employed when follow-up ended, i.e. censored)."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    n = len(durations)
    times = np.unique(durations[observed]) if n else np.array([])
    # At risk just before each event time, and events at it.
    at_risk = n - np.searchsorted(np.sort(durations), times, side="left")
    events = np.array([np.count_nonzero(observed & (durations == t)) for t in times], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = 1.0 - events / at_risk
        survival = np.cumprod(factors)
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
    greenwood = np.cumsum(terms)
    lower, upper = _loglog_interval(survival, greenwood)
    return Survival(
        times=np.concatenate([[0.0], times]),
        survival=np.concatenate([[1.0], survival]),
        lower=np.concatenate([[1.0], lower]),
        upper=np.concatenate([[1.0], upper]),
        greenwood=np.concatenate([[0.0], greenwood]),
        n=n,
        events=int(observed.sum()),
    )


def _loglog_interval(survival: np.ndarray, greenwood: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exponential Greenwood interval: S ** exp(-+ z * sqrt(V)), V = greenwood / log(S) ** 2."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(survival)
        spread = Z95 * np.sqrt(greenwood) / np.abs(log_s)
        lower = np.power(survival, np.exp(spread))
        upper = np.power(survival, np.exp(-spread))
    # Where S is 1 (no event yet) the interval is the point; where S is 0 it is 0.
    lower = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, lower))
    upper = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, upper))
    return np.nan_to_num(lower, nan=0.0), np.nan_to_num(upper, nan=1.0)


@dataclass(frozen=True)
class Difference:
    estimate: float
    lower: float
    upper: float


def survival_difference(a: Survival, b: Survival, t: float) -> Difference:
    """S_a(t) - S_b(t) with a normal 95 % interval from the two Greenwood variances (independent groups)."""
    estimate = a.at(t)[0] - b.at(t)[0]
    spread = Z95 * math.sqrt(a.variance_at(t) + b.variance_at(t))
    return Difference(estimate, estimate - spread, estimate + spread)


def percent(part: int, whole: int) -> float:
    """part of whole in percent, to one decimal; 0 when there is no whole."""
    return round(100 * part / whole, 1) if whole else 0.0


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """A proportion with its Wilson 95 % interval: (p, lower, upper)."""
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    p = successes / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return p, max(0.0, centre - half), min(1.0, centre + half)


def poisson_rate(events: int, exposure: float, per: float = 1.0) -> tuple[float, float, float]:
    """A rate of `events` over `exposure` (e.g. person-years), per `per`, with the exact (Garwood) 95 %
    interval from the chi-square distribution."""
    from scipy.stats import chi2

    if exposure <= 0:
        return float("nan"), float("nan"), float("nan")
    lower = float(chi2.ppf(0.025, 2 * events)) / 2 if events else 0.0
    upper = float(chi2.ppf(0.975, 2 * events + 2)) / 2
    return events / exposure * per, lower / exposure * per, upper / exposure * per


def mean_interval(values: list[float] | np.ndarray) -> tuple[float, float, float]:
    """A mean with its 95 % interval from Student's t (the sample's own spread): (mean, lower, upper). One value
    has no interval (nan); no values, no mean."""
    from scipy.stats import t

    data = np.asarray(values, dtype=float)
    n = len(data)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(data.mean())
    if n == 1:
        return mean, float("nan"), float("nan")
    half = float(t.ppf(0.975, n - 1)) * float(data.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half
