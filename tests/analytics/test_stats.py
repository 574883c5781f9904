"""The impact report's statistics against known values and against lifelines on the same data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from scipy.stats import chi2

from analytics import stats


def test_kaplan_meier_by_hand():
    """Five people: leaves at 30 and 90 days, one followed for 60 days only, two stay the whole year."""
    curve = stats.kaplan_meier(np.array([30, 60, 90, 365, 365]), np.array([True, False, True, False, False]))
    assert curve.at(29)[0] == 1.0
    assert curve.at(30)[0] == pytest.approx(4 / 5)  # 1 of 5 at risk left
    assert curve.at(89)[0] == pytest.approx(4 / 5)  # censoring at 60 changes nothing by itself
    assert curve.at(90)[0] == pytest.approx(4 / 5 * 2 / 3)  # 1 of the 3 still at risk left
    assert curve.at(365)[0] == pytest.approx(8 / 15)
    assert (curve.n, curve.events) == (5, 2)
    # Greenwood: sum d / (n (n - d)) = 1/(5*4) + 1/(3*2)
    assert curve.variance_at(365) == pytest.approx((8 / 15) ** 2 * (1 / 20 + 1 / 6))


def _lifelines_at(fitter: KaplanMeierFitter, t: float) -> tuple[float, float, float]:
    estimate = float(fitter.survival_function_at_times([t]).iloc[0])
    bands = fitter.confidence_interval_survival_function_
    lower, upper = bands.loc[bands.index[bands.index <= t].max()].to_numpy()
    return estimate, float(lower), float(upper)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=400), st.booleans()),
        min_size=1,
        max_size=120,
    )
)
def test_kaplan_meier_agrees_with_lifelines(people):
    durations = np.array([d for d, _ in people], dtype=float)
    observed = np.array([e for _, e in people], dtype=bool)
    ours = stats.kaplan_meier(durations, observed)
    theirs = KaplanMeierFitter().fit(durations, observed)
    for t in (0, 1, 30, 90, 182.6, 365, 400):
        estimate, lower, upper = ours.at(t)
        expected = _lifelines_at(theirs, t)
        assert estimate == pytest.approx(expected[0], abs=1e-12)
        if not math.isnan(expected[1]):
            assert lower == pytest.approx(expected[1], abs=1e-9)
            assert upper == pytest.approx(expected[2], abs=1e-9)


def test_difference_of_two_curves_has_a_normal_interval():
    a = stats.kaplan_meier(np.array([30, 365, 365, 365]), np.array([True, False, False, False]))
    b = stats.kaplan_meier(np.array([30, 60, 365, 365]), np.array([True, True, False, False]))
    difference = stats.survival_difference(a, b, 365)
    assert difference.estimate == pytest.approx(0.75 - 0.5)
    spread = stats.Z95 * math.sqrt(a.variance_at(365) + b.variance_at(365))
    assert (difference.lower, difference.upper) == pytest.approx((0.25 - spread, 0.25 + spread))


def test_wilson_interval():
    p, lower, upper = stats.wilson(45, 50)
    assert p == 0.9
    assert (lower, upper) == pytest.approx((0.7864, 0.9565), abs=1e-4)  # the textbook values
    assert stats.wilson(0, 10)[1] == 0.0 and stats.wilson(10, 10)[2] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in stats.wilson(0, 0))


def test_poisson_rate_is_exact():
    rate, lower, upper = stats.poisson_rate(4, 20.0, per=100)
    assert rate == 20.0
    assert lower == pytest.approx(chi2.ppf(0.025, 8) / 2 / 20 * 100)
    assert upper == pytest.approx(chi2.ppf(0.975, 10) / 2 / 20 * 100)
    assert stats.poisson_rate(0, 10.0)[1] == 0.0
    assert type(rate) is float and type(lower) is float and type(upper) is float
