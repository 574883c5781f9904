"""Matching runs: start, execute (claim, stages, figures), idempotent re-runs, pinned matches, what-if runs,
comparison, unmatched reasons, automatic approval, circles, and loading in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import Match, MatchMember, MatchRun
from matching.services.loading import load_cohort, manager_chains
from matching.services.review import match_pin
from matching.services.runs import match_run_compare, match_run_execute, match_run_rerun, match_run_start
from mentorhub.accounts.models import AuditEvent
from mentorhub.jobs.liveness import dead_after
from programs.models import Participant, Program
from tests.factories import EmployeeFactory

from .builders import engine_cohort, pairs_of, run_now, standard_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(org):
    return standard_cohort(org)


def _expected_pairs(cohort) -> set[tuple[int, int]]:
    n = {p.employee.name: p.pk for p in cohort.mentors + cohort.mentees}
    return {
        (n["Mia Python"], n["Paul Wants-Python"]),
        (n["Leo Leader"], n["Lara Wants-Leadership"]),
        (n["Nora Negotiator"], n["Ned Wants-Negotiation"]),
        (n["Nora Negotiator"], n["Eva Wants-Excel"]),
    }


class TestRun:
    def test_a_run_proposes_the_best_pairs_with_score_explanation_and_figures(
        self, org, admin, cohort, django_capture_on_commit_callbacks
    ):
        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        assert (run.status, run.progress, run.stage) == (MatchRun.Status.DONE, 100, "Done")
        assert run.started_at and run.finished_at and run.started_by == admin.user
        assert pairs_of(cohort.program) == _expected_pairs(cohort)
        match = Match.objects.filter(run=run).first()
        assert 0 < match.score <= 1 and match.kind == Match.Kind.PAIR and match.status == Match.Status.PROPOSED
        assert match.explanation and all({"label", "contribution"} <= set(part) for part in match.explanation)
        assert sum(p["contribution"] for p in match.explanation) == pytest.approx(match.score, abs=1e-3)
        figures = run.figures
        assert (figures["matched"], figures["unmatched_count"], figures["mentors"], figures["mentees"]) == (4, 0, 3, 4)
        assert figures["mean_score"] == pytest.approx(
            sum(Match.objects.filter(run=run).values_list("score", flat=True)) / 4, abs=1e-3
        )
        assert sum(figures["histogram"]["counts"]) == 4 and len(figures["histogram"]["counts"]) == 10
        assert figures["duration_s"] >= 0 and {"load_s", "score_s", "solve_s", "write_s"} <= set(figures["timings"])
        assert len(run.proposal) == 4
        assert AuditEvent.objects.filter(organization=org, verb="match_run.execute", target_id=str(run.pk)).exists()

    def test_runs_are_refused_outside_matching_and_while_another_runs(self, org, admin, cohort):
        match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, queue=False)
        with pytest.raises(ValidationError, match="already in progress"):
            match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk)
        # A what-if run writes nothing, so it may run beside a real one.
        match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, what_if=True)

        Program.objects.filter(pk=cohort.program.pk).update(status=Program.Status.DRAFT)
        with pytest.raises(ValidationError, match="Matching runs when the program is"):
            match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, what_if=True)

    def test_bad_weights_and_scope_are_refused(self, org, admin, cohort, other_org):
        with pytest.raises(ValidationError, match="not part of this program"):
            match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, weights={"999": 2})
        with pytest.raises(ValidationError, match="Weights go from 0 to 5"):
            match_run_start(
                organization=org, actor=admin.user, program_id=cohort.program.pk, weights={cohort.key("skills"): 9}
            )
        stranger = standard_cohort(other_org).mentees[0]
        with pytest.raises(ValidationError, match="not in this program"):
            match_run_start(
                organization=org, actor=admin.user, program_id=cohort.program.pk, scope_participant_ids=[stranger.pk]
            )


class TestIdempotence:
    def test_re_running_gives_the_same_result_and_never_duplicates(
        self, org, admin, cohort, django_capture_on_commit_callbacks
    ):
        first = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
        first_ids = set(Match.objects.filter(run=first).values_list("pk", flat=True))
        second = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        assert pairs_of(cohort.program) == _expected_pairs(cohort)
        # The same pairs are the same rows, now the second run's; the first run keeps its proposal for comparisons.
        assert set(Match.objects.filter(run=second, status=Match.Status.PROPOSED).values_list("pk", flat=True)) == (
            first_ids
        )
        assert not Match.objects.filter(run=first).exists() and len(first.proposal) == 4
        assert (second.figures["carried_over"], second.figures["replaced"]) == (4, 0)
        assert Match.objects.filter(program=cohort.program).count() == 4
        current = MatchMember.objects.filter(program=cohort.program, current=True, role="mentee")
        assert current.count() == 4 == len(set(current.values_list("participant_id", flat=True)))

        # The database itself refuses a second current match for one mentee.
        match = Match.objects.create(organization=org, program=cohort.program)
        with pytest.raises(IntegrityError), transaction.atomic():
            MatchMember.objects.create(
                organization=org, program=cohort.program, match=match, participant=cohort.mentees[0], role="mentee"
            )

    def test_a_second_execute_of_a_finished_run_does_nothing(
        self, org, admin, cohort, django_capture_on_commit_callbacks
    ):
        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
        finished_at = run.finished_at

        assert match_run_execute(organization_id=org.pk, run_id=run.pk) is None
        run.refresh_from_db()
        assert run.finished_at == finished_at and Match.objects.filter(program=cohort.program).count() == 4

    def test_a_run_interrupted_by_a_killed_worker_is_claimed_again_and_completes_once(self, org, admin, cohort):
        run = match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, queue=False)
        # The worker claimed it and died before its one write transaction committed: nothing was written.
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), progress=55
        )
        # While its heartbeat is fresh, nobody else takes it, and the admin cannot start another run.
        assert match_run_execute(organization_id=org.pk, run_id=run.pk) is None
        with pytest.raises(ValidationError):
            match_run_rerun(organization=org, actor=admin.user, run_id=run.pk)

        MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dead_after() - timedelta(seconds=1))
        done = match_run_execute(organization_id=org.pk, run_id=run.pk)
        assert done.status == MatchRun.Status.DONE and done.progress == 100
        assert match_run_execute(organization_id=org.pk, run_id=run.pk) is None  # redelivered: no-op
        assert Match.objects.filter(program=cohort.program).count() == 4
        assert pairs_of(cohort.program) == _expected_pairs(cohort)

    def test_an_admin_re_runs_a_run_whose_worker_stopped(self, org, admin, cohort, django_capture_on_commit_callbacks):
        run = match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, queue=False)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.RUNNING, heartbeat_at=timezone.now() - dead_after() - timedelta(seconds=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            match_run_rerun(organization=org, actor=admin.user, run_id=run.pk)
        run.refresh_from_db()
        assert run.status == MatchRun.Status.DONE and Match.objects.filter(run=run).count() == 4

    def test_a_failure_is_recorded_on_the_run(self, org, admin, cohort, monkeypatch):
        run = match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, queue=False)

        def broken(*args, **kwargs):
            raise ValueError("scores out of range")

        monkeypatch.setattr("matching.solver.solve", broken)
        failed = match_run_execute(organization_id=org.pk, run_id=run.pk)
        assert failed.status == MatchRun.Status.FAILED and "scores out of range" in failed.error
        assert not Match.objects.filter(program=cohort.program).exists()


class TestPinned:
    def test_pinned_pairs_are_kept_with_their_places(self, org, admin, cohort, django_capture_on_commit_callbacks):
        first = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
        nora = cohort.person("Nora Negotiator")
        pinned = Match.objects.get(run=first, members__participant=cohort.person("Ned Wants-Negotiation"))
        match_pin(organization=org, actor=admin.user, match_id=pinned.pk, pinned=True)
        # Everyone now wants Negotiation: without the pin Ned might lose Nora to someone else.
        for mentee in cohort.mentees:
            mentee.answers[cohort.key("skills")] = ["Negotiation"]
            mentee.save()

        second = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        pinned.refresh_from_db()
        assert pinned.status == Match.Status.PROPOSED and pinned.pinned and pinned.run_id == first.pk
        assert second.figures["pinned_kept"] == 1
        nora_matches = MatchMember.objects.filter(participant=nora, current=True)
        assert nora_matches.count() == 2  # the pinned one plus one place left
        assert {"mentor": nora.pk, "members": [cohort.person("Ned Wants-Negotiation").pk]} in [
            {k: v for k, v in entry.items() if k in ("mentor", "members")} for entry in second.proposal
        ]
        assert list(Match.objects.filter(run=first)) == [pinned]  # the others were replaced or carried over
        assert second.figures["replaced"] + second.figures["carried_over"] == 3 and second.figures["replaced"] >= 1
        assert Match.objects.filter(program=cohort.program).count() == 4


class TestWhatIfAndCompare:
    def test_a_what_if_run_writes_no_matches(self, org, admin, cohort, django_capture_on_commit_callbacks):
        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks, what_if=True)
        assert run.status == MatchRun.Status.DONE and run.figures["matched"] == 4 and len(run.proposal) == 4
        assert not Match.objects.filter(program=cohort.program).exists()

    def test_compare_two_weightings(self, org, admin, cohort, django_capture_on_commit_callbacks):
        a = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks, what_if=True)
        # Only the meeting format counts now, and Paul prefers meeting in person like Leo.
        paul = cohort.person("Paul Wants-Python")
        paul.answers[cohort.key("format")] = "In person"
        paul.save()
        leo = cohort.person("Leo Leader")
        leo.answers[cohort.key("format")] = "In person"
        leo.save()
        weights = {cohort.key("skills"): 0, cohort.key("format"): 5}
        b = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks, what_if=True, weights=weights)
        assert b.weights == weights

        result = match_run_compare(organization=org, run_a_id=a.pk, run_b_id=b.pk)

        assert result["run_a"]["matched"] == a.figures["matched"] and result["run_b"]["matched"] == b.figures["matched"]
        assert result["run_a"]["mean_score"] == a.figures["mean_score"]
        mentor_a = {e["members"][0]: e["mentor"] for e in a.proposal}
        mentor_b = {e["members"][0]: e["mentor"] for e in b.proposal}
        expected = sum(1 for p in set(mentor_a) | set(mentor_b) if mentor_a.get(p) != mentor_b.get(p))
        assert result["pairs_changed"] == expected >= 1
        assert mentor_b[paul.pk] == leo.pk
        assert match_run_compare(organization=org, run_a_id=a.pk, run_b_id=a.pk)["pairs_changed"] == 0

    def test_compare_refuses_unfinished_runs_and_other_programs(self, org, admin, cohort, other_org, outsider):
        run = match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, queue=False)
        with pytest.raises(ValidationError, match="finished"):
            match_run_compare(organization=org, run_a_id=run.pk, run_b_id=run.pk)
        from django.http import Http404

        with pytest.raises(Http404):
            match_run_compare(organization=other_org, run_a_id=run.pk, run_b_id=run.pk)


class TestUnmatched:
    def test_each_unmatched_person_has_a_reason(self, org, admin, django_capture_on_commit_callbacks):
        cohort = engine_cohort(org)
        cohort.add("mentor", skills=["Python"], languages=["English"])
        cohort.add("mentee", skills=["Python"], languages=["English"], name="Ann Fits")
        cohort.add("mentee", skills=["Python"], languages=["English"], name="Bob Also-Fits")
        japanese = cohort.add("mentee", skills=["Python"], languages=["Japanese"], name="Jun Japanese")

        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        reasons = {entry["participant_id"]: entry for entry in run.figures["unmatched"]}
        assert run.figures["matched"] == 1 and len(reasons) == 2
        assert reasons[japanese.pk]["code"] == "forbidden"
        assert reasons[japanese.pk]["reason"].startswith("No eligible mentor: ")
        assert "Languages" in reasons[japanese.pk]["reason"]
        full = next(entry for pid, entry in reasons.items() if pid != japanese.pk)
        assert full["code"] == "full" and "full" in full["reason"]

    def test_no_mentors_at_all(self, org, admin, django_capture_on_commit_callbacks):
        cohort = engine_cohort(org)
        cohort.add("mentee", skills=["Python"])
        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
        assert run.figures["unmatched"][0]["code"] == "no_mentors"

    def test_the_management_chain_and_a_leaver_are_never_matched(self, org, admin, django_capture_on_commit_callbacks):
        cohort = engine_cohort(org)
        boss = cohort.add("mentor", skills=["Python"], name="Big Boss")
        middle = EmployeeFactory(organization=org, manager=boss.employee)
        report = cohort.add("mentee", skills=["Python"], manager=middle, name="Reports to Boss")
        leaver = cohort.add("mentee", skills=["Python"])
        leaver.employee.left_on = timezone.localdate() - timedelta(days=1)
        leaver.employee.save()

        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        assert run.figures["matched"] == 0 and run.figures["mentees"] == 1  # the leaver is not even considered
        assert [e["participant_id"] for e in run.figures["unmatched"]] == [report.pk]
        assert run.figures["unmatched"][0]["code"] == "forbidden"


class TestAutomaticMode:
    def test_matches_are_approved_and_people_emailed_at_once(
        self, org, admin, mailoutbox, django_capture_on_commit_callbacks
    ):
        cohort = standard_cohort(org, match_mode=Program.MatchMode.AUTOMATIC)
        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        matches = Match.objects.filter(run=run)
        assert matches.count() == 4 and set(matches.values_list("status", flat=True)) == {Match.Status.APPROVED}
        assert set(matches.values_list("approved_by", flat=True)) == {admin.user.pk}
        assert len(mailoutbox) == 8  # everyone in every pair
        paul = cohort.person("Paul Wants-Python")
        mail = next(m for m in mailoutbox if m.to == [paul.employee.email])
        match = matches.get(members__participant=paul)
        assert f"/o/{org.slug}/matches/{match.pk}/" in mail.body and "Mia Python" in mail.body


class TestCircles:
    def test_a_group_program_forms_circles(self, org, admin, django_capture_on_commit_callbacks):
        cohort = engine_cohort(
            org, kind=Program.Kind.GROUP, circle_min_size=2, circle_max_size=3, default_mentor_capacity=3
        )
        for skill in ("Python", "Leadership"):
            cohort.add("mentor", skills=[skill], capacity=3, level=7)
        departments = ["Engineering", "Sales", "Finance"]
        for index in range(6):
            cohort.add("mentee", skills=["Python" if index < 3 else "Leadership"], department=departments[index % 3])

        run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)

        circles = Match.objects.filter(run=run)
        assert circles.count() == 2 and set(circles.values_list("kind", flat=True)) == {Match.Kind.CIRCLE}
        for circle in circles:
            roles = sorted(circle.members.values_list("role", flat=True))
            assert roles.count("facilitator") == 1 and 2 <= roles.count("member") <= 3
            assert circle.score is not None and circle.explanation
        assert run.figures["matched"] == 6


class TestLoading:
    def test_loading_takes_a_constant_number_of_queries(self, org, django_assert_num_queries):
        small = standard_cohort(org)
        with django_assert_num_queries(5) as captured:
            load_cohort(organization_id=org.pk, program=small.program)
        big = engine_cohort(org)
        for index in range(30):
            big.add("mentor" if index % 3 == 0 else "mentee", skills=["Python"], capacity=2)
        with django_assert_num_queries(len(captured.captured_queries)):
            loaded = load_cohort(organization_id=org.pk, program=big.program)
        assert len(loaded.mentors) == 10 and len(loaded.mentees) == 20

    def test_only_approved_people_are_loaded(self, org):
        cohort = standard_cohort(org)
        cohort.add("mentee", skills=["Python"], status=Participant.Status.APPLIED)
        cohort.add("mentor", skills=["Python"], status=Participant.Status.WAITLISTED)
        loaded = load_cohort(organization_id=org.pk, program=cohort.program)
        assert (len(loaded.mentors), len(loaded.mentees)) == (3, 4)

    def test_manager_chains_are_walked_in_memory_and_survive_cycles(self):
        chains = manager_chains([(1, None), (2, 1), (3, 2), (4, 3), (5, 6), (6, 5)])
        assert chains[4] == {3, 2, 1} and chains[2] == {1} and chains[1] == frozenset()
        assert chains[5] == {6} and chains[6] == {5}
