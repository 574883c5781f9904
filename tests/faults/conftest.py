"""Fixtures of the fault tests: the job fault tests' processes (job_rig.py)."""

from .job_rig import job_rig, rig  # noqa: F401 - fixtures, found by pytest by name
