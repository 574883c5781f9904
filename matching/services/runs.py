"""Matching runs: start (queue the Celery task on commit), execute (what the task calls), re-run an
interrupted or failed run, and compare two runs.

Flow: `match_run_start` (request) -> task `matching.execute_run` -> `match_run_execute` (worker), which
claims the run with a conditional UPDATE (queued -> running; or running with a dead heartbeat, its worker
gone: mentorhub/jobs/liveness.py), loads the cohort, scores, solves, and then writes everything in ONE
transaction: the replaced proposals discarded, the new matches, the figures and status "done" (only while
the claim is still this worker's). While it works, its heartbeat is refreshed every few seconds. A worker
killed before that commit leaves nothing behind but a "running" run whose heartbeat stops: the sweeper
(mentorhub/jobs/sweep.py) queues it again within a minute, or an admin re-runs it; a second execute of a
finished run finds nothing to claim. Progress is written with its own small UPDATEs outside that
transaction, so the run's page sees it while the run works.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.jobs import liveness
from mentorhub.jobs.sweep import send_on_commit
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Participant, Program, Question

from ..models import MatchRun
from . import compute, persist
from .emails import notify_matched_on_commit
from .loading import load_cohort
from .locks import lock_program

logger = logging.getLogger(__name__)

SOFT_TIME_LIMIT_SECONDS = 900
TIME_LIMIT_SECONDS = 960
# Real runs while the program is being matched, and later for re-matches (late joiners, declines); a what-if
# run writes nothing, so it may also preview while enrollment is still open.
RUNNABLE = (Program.Status.MATCHING, Program.Status.ACTIVE)
WHAT_IF_RUNNABLE = (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE)
MAX_WEIGHT = 5

Status = MatchRun.Status


def _in_progress(organization: Organization, program: Program):
    """Real runs of the program that are queued or running (with a live worker)."""
    return (
        scoped(MatchRun, organization)
        .filter(program=program, what_if=False)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__gte=liveness.dead_before()))
    )


def _clean_weights(organization: Organization, program: Program, weights: Mapping[Any, Any] | None) -> dict[str, int]:
    if not weights:
        return {}
    question_ids = {
        str(pk) for pk in scoped(Question, organization).filter(program=program).values_list("pk", flat=True)
    }
    cleaned: dict[str, int] = {}
    for key, value in weights.items():
        if str(key) not in question_ids:
            raise ValidationError(
                {"weights": [_("Question %(key)s is not part of this program's form.") % {"key": key}]}
            )
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {"weights": [_("The weight of question %(key)s must be a whole number.") % {"key": key}]}
            ) from None
        if not 0 <= number <= MAX_WEIGHT:
            raise ValidationError({"weights": [_("Weights go from 0 to %(most)s.") % {"most": MAX_WEIGHT}]})
        cleaned[str(key)] = number
    return cleaned


def _enqueue(run: MatchRun) -> None:
    from ..tasks import MATCH_RUNS  # the task module imports this one

    send_on_commit(MATCH_RUNS, organization_id=run.organization_id, pk=run.pk)


@transaction.atomic
def match_run_start(
    *,
    organization: Organization,
    actor: User | None,
    program_id: int,
    objective: str | None = None,
    weights: Mapping[Any, Any] | None = None,
    what_if: bool = False,
    scope_participant_ids: list[int] | None = None,
    queue: bool = True,
) -> MatchRun:
    """Queue a run of the matching engine over the program (or, with `scope_participant_ids`, over those
    people only: a re-match). Refused while another real run of the program is queued or running.
    `queue=False` leaves the run queued without sending the task: the caller executes it itself (demo data,
    benchmarks)."""
    get_scoped_or_404(Program, organization, pk=program_id)
    program = lock_program(organization, program_id)  # two starts at once: one waits and sees the other
    if not program.has_matching:
        raise ValidationError(
            _("Flash mentoring programs have no matching: members book one-off sessions in mentors' office hours.")
        )
    allowed = WHAT_IF_RUNNABLE if what_if else RUNNABLE
    if program.status not in allowed:
        raise ValidationError(
            _("Matching runs when the program is %(allowed)s; this one is %(status)s.")
            % {
                "allowed": _(" or ").join(str(Program.Status(s).label).lower() for s in allowed),
                "status": program.get_status_display().lower(),
            }
        )
    objective = objective or program.objective
    if objective not in Program.Objective.values:
        raise ValidationError({"objective": [_("Unknown objective “%(objective)s”.") % {"objective": objective}]})
    cleaned_weights = _clean_weights(organization, program, weights)
    scope = sorted({int(pk) for pk in scope_participant_ids or []})
    if scope:
        known = set(
            scoped(Participant, organization).filter(program=program, pk__in=scope).values_list("pk", flat=True)
        )
        if known != set(scope):
            raise ValidationError({"scope_participant_ids": [_("Some of these people are not in this program.")]})
    if not what_if:
        # A run whose worker died does not block the program (the sweeper would queue it again otherwise).
        scoped(MatchRun, organization).filter(liveness.dead(), program=program).update(
            status=Status.FAILED, error="The run was interrupted (its worker stopped).", finished_at=timezone.now()
        )
        if _in_progress(organization, program).exists():
            raise ValidationError(_("A matching run of this program is already in progress; wait for it to finish."))
    run = MatchRun(
        organization=organization,
        program=program,
        what_if=what_if,
        scope_participant_ids=scope,
        objective=objective,
        weights=cleaned_weights,
        started_by=actor if actor is not None and actor.pk else None,
        stage="Queued",
    )
    run.full_clean(exclude=["organization", "program", "started_by"])
    run.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="match_run.start",
        target=run,
        changes={"objective": [None, objective], "what_if": [None, what_if], "weights": [None, cleaned_weights]}
        | ({"scope": [None, scope]} if scope else {}),
    )
    if queue:
        _enqueue(run)
    return run


@transaction.atomic
def match_run_rerun(*, organization: Organization, actor: User | None, run_id: int) -> MatchRun:
    """Queue a failed run again, or one whose worker died mid-run (no heartbeat). Anything else is refused."""
    run = get_scoped_or_404(MatchRun, organization, pk=run_id)
    lock_program(organization, run.program_id)
    requeued = (
        scoped(MatchRun, organization)
        .filter(pk=run.pk)
        .filter(Q(status=Status.FAILED) | liveness.dead())
        .update(
            status=Status.QUEUED,
            error="",
            progress=0,
            stage="Queued",
            started_at=None,
            finished_at=None,
            claimed_by="",
            heartbeat_at=timezone.now(),
            attempts=0,
        )
    )
    if not requeued:
        raise ValidationError(_("Only a failed run, or one whose worker stopped, can be run again."))
    if not run.what_if and _in_progress(organization, run.program).exclude(pk=run.pk).exists():
        raise ValidationError(_("Another matching run of this program is in progress; wait for it to finish."))
    run.refresh_from_db()
    audit_record(organization=organization, actor=actor, verb="match_run.rerun", target=run)
    _enqueue(run)
    return run


def match_run_retry(*, organization: Organization, actor: User | None, run_id: int) -> MatchRun:
    """Start a NEW run with the settings of a failed one (aim, weights, what-if, scope): the failed run stays as
    it was, with its error, so the history says what happened. `match_run_start` applies every rule of a start
    (program stage, one real run at a time)."""
    failed = get_scoped_or_404(MatchRun.objects.defer("proposal"), organization, pk=run_id)
    if failed.status != Status.FAILED:
        raise ValidationError(_("Only a failed run can be started again."))
    with transaction.atomic():
        run = match_run_start(
            organization=organization,
            actor=actor,
            program_id=failed.program_id,
            objective=failed.objective,
            weights=failed.weights or None,
            what_if=failed.what_if,
            scope_participant_ids=list(failed.scope_participant_ids or []) or None,
        )
        audit_record(
            organization=organization,
            actor=actor,
            verb="match_run.retry",
            target=run,
            changes={"failed_run": [None, failed.pk]},
        )
    return run


# --- Execute ---------------------------------------------------------------------------------------------


def _progress(run_id: int, token: str, progress: int, stage: str) -> None:
    # A sign of life too, from the working thread itself.
    MatchRun.objects.filter(pk=run_id, status=Status.RUNNING, claimed_by=token).update(
        progress=progress, stage=stage, heartbeat_at=timezone.now()
    )


def match_run_execute(*, organization_id: int, run_id: int) -> MatchRun | None:
    """Do the run, once. Returns None when there was nothing to claim (finished, or running elsewhere).

    Failures are recorded on the run (status failed, a readable error) and not retried: the data, not the
    infrastructure, is usually at fault, so a retry would fail the same way."""
    started = timezone.now()
    token = liveness.claim_token()
    rows = MatchRun.objects.filter(pk=run_id, organization_id=organization_id)
    fields = {"started_at": started, "finished_at": None, "progress": 5, "stage": "Loading profiles", "error": ""}
    if not liveness.claim(rows, token=token, now=started, **fields):
        logger.info("Match run %s of organization %s: nothing to claim, skipped.", run_id, organization_id)
        return None
    clock = time.perf_counter()
    try:
        run = rows.select_related("program", "organization", "started_by").get()
        with liveness.Heartbeat(MatchRun, pk=run_id, organization_id=organization_id, token=token):
            _execute(run, token, clock)
    except liveness.TakenOver:  # another worker took the run after this one stalled: it writes the result
        logger.warning("Match run %s of organization %s: taken over by another worker.", run_id, organization_id)
    except Exception as exc:  # recorded for the admin to read; not retried (see the docstring)
        logger.exception("Match run %s of organization %s failed.", run_id, organization_id)
        rows.filter(status=Status.RUNNING, claimed_by=token).update(
            status=Status.FAILED, error=_describe(exc), finished_at=timezone.now(), stage="Failed"
        )
    return rows.get()


def _execute(run: MatchRun, token: str, clock: float) -> None:
    program = run.program
    timings: dict[str, float] = {}
    step = time.perf_counter()
    cohort = load_cohort(
        organization_id=run.organization_id, program=program, scope_participant_ids=run.scope_participant_ids or None
    )
    timings["load_s"] = time.perf_counter() - step
    _progress(run.pk, token, 25, f"Scoring {len(cohort.mentees)} mentees against {len(cohort.mentors)} mentors")

    engine = compute.Engine(cohort, weights=run.weights, objective=run.objective)
    engine.score()
    _progress(run.pk, token, 55, "Circles" if program.is_group else "Finding the best pairs")
    outcome = engine.solve(explain=not run.what_if)
    timings.update(outcome.timings)
    _progress(run.pk, token, 85, "Saving the proposal" if run.what_if else "Saving the matches")

    step = time.perf_counter()
    with transaction.atomic():
        program = lock_program(run.organization_id, program.pk)
        automatic = program.match_mode == Program.MatchMode.AUTOMATIC and not run.what_if
        written = None
        if not run.what_if:
            written = persist.write_proposals(
                run=run,
                program=program,
                replaced=cohort.replaced,
                proposed=outcome.proposed,
                approve=automatic,
                approved_by=run.started_by,
            )
        timings["write_s"] = time.perf_counter() - step
        match_ids = written.match_ids if written else []
        figures = _figures(cohort, outcome, run, timings, time.perf_counter() - clock, written)
        proposal = [p.as_json() for p in _kept_as_proposed(cohort)] + [p.as_json() for p in outcome.proposed]
        # Only while the claim is ours: a run taken over by another worker meanwhile raises here, and this
        # transaction (the matches above) is rolled back, so the result is written once.
        liveness.finish(
            MatchRun.objects.filter(pk=run.pk),
            token=token,
            status=Status.DONE,
            progress=100,
            stage="Done",
            figures=figures,
            proposal=proposal,
            finished_at=timezone.now(),
        )
        audit_record(
            organization=run.organization,
            actor=run.started_by,
            verb="match_run.execute",
            target=run,
            changes={
                "status": [Status.RUNNING, Status.DONE],
                "matched": [None, figures["matched"]],
                "unmatched": [None, figures["unmatched_count"]],
            },
        )
        if automatic and match_ids:
            audit_record(
                organization=run.organization,
                actor=run.started_by,
                verb="match.approve",
                target=program,
                changes={"count": [None, len(match_ids)], "automatic": [None, True]},
            )
            notify_matched_on_commit(match_ids)
    # The commit itself takes a while for ten thousand matches (deferred foreign-key checks): count it in.
    committed = time.perf_counter()
    figures["timings"]["commit_s"] = round(committed - step - timings["write_s"], 3)
    figures["duration_s"] = round(committed - clock, 3)
    MatchRun.objects.filter(pk=run.pk, status=Status.DONE).update(figures=figures, finished_at=timezone.now())


def _kept_as_proposed(cohort) -> list[compute.Proposed]:
    """Pinned proposals the run kept: part of its result, for figures and comparisons."""
    return [
        compute.Proposed(lead=c.lead, followers=list(c.followers), score=c.score, explanation=[], pinned=True)
        for c in cohort.kept
        if c.pinned and c.lead is not None
    ]


def _figures(
    cohort,
    outcome: compute.Outcome,
    run: MatchRun,
    timings: dict[str, float],
    total: float,
    written: persist.Written | None,
) -> dict:
    pinned = _kept_as_proposed(cohort)
    results = pinned + outcome.proposed
    scores = [p.score for p in results if p.score is not None]
    matched = sum(len(p.followers) for p in results)
    return {
        "kind": cohort.program.kind,
        "what_if": run.what_if,
        "objective": run.objective,
        "mentees": len(cohort.mentees) + sum(len(p.followers) for p in pinned),
        "mentors": len(cohort.mentors),
        "places": int(np.sum(cohort.remaining)) if len(cohort.remaining) else 0,
        "matched": matched,
        "matches": len(results),
        "pinned_kept": len(pinned),
        # Earlier proposals this run removed, and those it proposed again unchanged (their rows stay, now its).
        "replaced": written.removed if written else 0,
        "carried_over": written.carried_over if written else 0,
        "unmatched_count": len(outcome.unmatched),
        "unmatched": outcome.unmatched,
        "mean_score": round(float(np.mean(scores)), 4) if scores else None,
        "histogram": compute.histogram(scores),
        "timings": {name: round(value, 3) for name, value in timings.items()},
        "duration_s": round(total, 3),
    } | ({"certificate": outcome.certificate} if outcome.certificate else {})


def _describe(exc: Exception) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return f"The run took longer than {SOFT_TIME_LIMIT_SECONDS} seconds and was stopped."
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"The run failed: {exc.__class__.__name__}: {exc}"[:2000]


# --- Compare -----------------------------------------------------------------------------------------------


def _mentor_of(run: MatchRun) -> dict[int, int]:
    return {member: entry["mentor"] for entry in run.proposal or [] for member in entry.get("members", [])}


def _summary(run: MatchRun) -> dict[str, Any]:
    figures = run.figures or {}
    return {
        "id": run.pk,
        "what_if": run.what_if,
        "objective": run.objective,
        "weights": run.weights,
        "matched": figures.get("matched", 0),
        "unmatched": figures.get("unmatched_count", 0),
        "mean_score": figures.get("mean_score"),
        "created_at": run.created_at,
    }


def match_run_compare(*, organization: Organization, run_a_id: int, run_b_id: int) -> dict[str, Any]:
    """Two finished runs of one program side by side: matched, mean score, and how many people would get a
    different mentor (or none) in one than in the other."""
    run_a = get_scoped_or_404(MatchRun, organization, pk=run_a_id)
    run_b = get_scoped_or_404(MatchRun, organization, pk=run_b_id)
    if run_a.program_id != run_b.program_id:
        raise ValidationError(_("Compare two runs of the same program."))
    if run_a.status != Status.DONE or run_b.status != Status.DONE:
        raise ValidationError(_("Both runs must have finished."))
    mentors_a, mentors_b = _mentor_of(run_a), _mentor_of(run_b)
    people = set(mentors_a) | set(mentors_b)
    changed = sum(1 for person in people if mentors_a.get(person) != mentors_b.get(person))
    a, b = _summary(run_a), _summary(run_b)
    mean_delta = None
    if a["mean_score"] is not None and b["mean_score"] is not None:
        mean_delta = round(b["mean_score"] - a["mean_score"], 4)
    return {
        "run_a": a,
        "run_b": b,
        "matched_delta": b["matched"] - a["matched"],
        "mean_score_delta": mean_delta,
        "pairs_changed": changed,
        "people_compared": len(people),
    }
