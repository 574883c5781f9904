"""Fixtures the matching test modules share (their cohorts come from builders.py)."""

from __future__ import annotations

import pytest

from .builders import Cohort, run_now, standard_cohort


@pytest.fixture
def proposed(org, admin, django_capture_on_commit_callbacks) -> Cohort:
    """The standard cohort after a real run: its proposals written, none approved yet (`run` is that run)."""
    cohort = standard_cohort(org)
    cohort.run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
    return cohort
