"""A MatchRun on the blocked path (issue 16): a large pair program is scored and solved block by block, with
the same pairs, scores, explanations and unmatched reasons as the dense path, its certificate in the
figures, and the run page saying whether the answer is proven optimal or only the best found."""

from __future__ import annotations

from unittest import mock

import pytest

from matching import blocked
from matching.models import Match
from tests.helpers import org_url

from .builders import make_run, page_cohort, pairs_of, run_now, standard_cohort

pytestmark = pytest.mark.django_db


def _run(org, admin, program, capture, *, cells: int):
    with mock.patch.object(blocked, "LARGE_COHORT_CELLS", cells):
        return run_now(org, admin.user, program, capture)


def _results(run) -> dict[tuple[int, ...], tuple[float | None, list]]:
    """{(mentor participant id, mentee participant ids...): (score, explanation)} of the run's matches."""
    found = {}
    for match in Match.objects.filter(run=run).prefetch_related("members"):
        members = sorted(match.members.all(), key=lambda m: (m.role != "mentor", m.participant_id))
        found[tuple(m.participant_id for m in members)] = (match.score, match.explanation)
    return found


def test_a_large_cohort_takes_the_blocked_path_with_the_dense_answer(org, admin, django_capture_on_commit_callbacks):
    cohort = standard_cohort(org)
    dense = _run(org, admin, cohort.program, django_capture_on_commit_callbacks, cells=10**12)
    dense_pairs = pairs_of(cohort.program)
    dense_results = _results(dense)
    assert "certificate" not in dense.figures

    Match.objects.filter(run=dense).delete()
    large = _run(org, admin, cohort.program, django_capture_on_commit_callbacks, cells=0)

    assert large.status == "done"
    assert pairs_of(cohort.program) == dense_pairs
    assert _results(large) == dense_results  # the same scores and explanations
    certificate = large.figures["certificate"]
    assert certificate["engine"] == "blocked" and certificate["proven"] is True
    assert certificate["upper"] >= certificate["total"] > 0
    assert (large.figures["matched"], large.figures["unmatched_count"]) == (
        dense.figures["matched"],
        dense.figures["unmatched_count"],
    )


def test_unmatched_reasons_on_the_blocked_path(org, admin, django_capture_on_commit_callbacks):
    """Three mentees, one mentor with one place: the two left out get the dense path's reasons."""
    cohort = page_cohort(org, mentors=1, mentees=3)
    cohort.mentors[0].__class__.objects.filter(pk=cohort.mentors[0].pk).update(capacity=1)
    dense = _run(org, admin, cohort.program, django_capture_on_commit_callbacks, cells=10**12)
    Match.objects.filter(run=dense).delete()
    large = _run(org, admin, cohort.program, django_capture_on_commit_callbacks, cells=0)
    assert large.figures["unmatched_count"] == dense.figures["unmatched_count"] == 2
    assert large.figures["unmatched"] == dense.figures["unmatched"]


def test_the_run_page_says_whether_the_answer_is_proven(org, admin_client):
    cohort = page_cohort(org)
    proven = make_run(
        cohort,
        figures={"certificate": {"engine": "blocked", "proven": True, "gap_percent": 0.0123, "gap": 0.000123}},
    )
    unproven = make_run(
        cohort,
        figures={"certificate": {"engine": "blocked", "proven": False, "gap_percent": 1.5, "gap": 0.015}},
    )
    plain = make_run(cohort)

    def page(run) -> str:
        response = admin_client.get(org_url("match-run-detail", org, program_pk=run.program_id, run_pk=run.pk))
        assert response.status_code == 200
        return response.content.decode()

    html = page(proven)
    assert 'data-certificate="proven"' in html and "0.012%" in html
    html = page(unproven)
    assert 'data-certificate="unproven"' in html
    assert "not proven optimal" in html and "1.500%" in html
    html = page(plain)
    assert "data-certificate" not in html
