"""The roll-up: an organization's raw tables (matches, sessions, feedback, goals, reminders, surveys) turned
into the small tables dashboards read (MatchFact, ParticipantFact, ProgramDay). Run nightly by beat and
on demand from the health page (a RollupRun with progress).

Each raw table is read once, with the aggregation done by PostgreSQL (GROUP BY), so the work grows with
the number of matches and days, not of sessions; the facts are then replaced in one transaction, so a
dashboard sees the old figures or the new ones, never half of each.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_noop

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.db.maintenance import analyze_changed
from mentorhub.jobs import liveness
from mentorhub.jobs.sweep import send_on_commit
from mentorhub.tenancy import scoped
from programs.models import Participant, Program
from sessions.models import Goal, MentoringSession, Reminder, SessionFeedback
from sessions.services.reminders import allowed_gap

from ..models import MatchFact, ParticipantFact, ProgramDay, RollupRun, SurveyQuestion, SurveyResponse
from ..question_sets import CHECKIN, CHECKIN_SCORE

logger = logging.getLogger(__name__)

STARTED = (Match.Status.ACTIVE, Match.Status.COMPLETED, Match.Status.ENDED)
LEADS = (MatchMember.Role.MENTOR, MatchMember.Role.FACILITATOR)
LOW_CHECKIN = 2  # a last check-in of 2 or less puts an active match at risk
DAYS_PER_MONTH = 30.44
HELD = MentoringSession.Status.HELD
BATCH = 5000


def rollup_version_key(organization_id: int) -> str:
    """Cache key of the organization's roll-up version: dashboards' cache keys carry it, so a new roll-up
    makes every cached figure of that organization (and only of it) stale at once."""
    return f"analytics:version:o{organization_id}"


@dataclass
class RollupSummary:
    matches: int = 0
    participants: int = 0
    days: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)


Progress = Callable[[int, str], None]


def rollup_organization(
    *, organization: Organization, now: datetime | None = None, progress: Progress | None = None
) -> RollupSummary:
    """Recompute the organization's facts and daily figures and replace the old ones."""
    now = now or timezone.now()
    report = progress or (lambda percent, stage: None)
    summary = RollupSummary()
    started = time.perf_counter()

    def stage(name: str, percent: int) -> None:
        summary.stages[name] = round(time.perf_counter() - started - sum(summary.stages.values()), 3)
        report(percent, name)

    matches = _match_rows(organization)
    stage("matches", 10)
    sessions = _session_figures(organization)
    stage("sessions", 35)
    extras = _match_extras(organization)
    stage("feedback, goals, nudges, check-ins", 55)
    match_facts = _build_match_facts(organization, matches, sessions, extras, now)
    participant_facts = _build_participant_facts(organization, match_facts, now)
    stage("facts", 70)
    days = _build_program_days(organization, match_facts, participant_facts, now)
    stage("daily figures", 85)
    with transaction.atomic():
        changed = {
            MatchFact: _replace(MatchFact, organization, match_facts),
            ParticipantFact: _replace(ParticipantFact, organization, participant_facts),
            ProgramDay: _replace(ProgramDay, organization, days),
        }
        # Fresh planner statistics once committed, where this organization's share changed by much.
        analyze_changed(changed)
    cache.set(rollup_version_key(organization.pk), now.isoformat(), 60 * 60 * 24 * 30)
    stage("write", 100)
    summary.matches, summary.participants, summary.days = len(match_facts), len(participant_facts), len(days)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


Fact = TypeVar("Fact", MatchFact, ParticipantFact, ProgramDay)


def _replace(model: type[Fact], organization: Organization, rows: list[Fact]) -> int:
    """Replace the organization's rows; returns how many rows were deleted and inserted."""
    deleted, _ = model.objects.filter(organization=organization).delete()
    model.objects.bulk_create(rows, batch_size=BATCH)
    return deleted + len(rows)


# --- Reading the raw tables ------------------------------------------------------------------------------


@dataclass
class MatchRow:
    pk: int
    program_id: int
    status: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    cadence: int
    members: list[tuple[int, str, int, str]] = field(default_factory=list)  # participant, role, employee, dept


def _match_rows(organization: Organization) -> dict[int, MatchRow]:
    rows = {
        pk: MatchRow(pk, program_id, status, created_at, started_at, ended_at, cadence)
        for pk, program_id, status, created_at, started_at, ended_at, cadence in scoped(Match, organization)
        .filter(status__in=STARTED)
        .values_list("pk", "program_id", "status", "created_at", "started_at", "ended_at", "program__cadence_per_month")
    }
    members = (
        scoped(MatchMember, organization)
        .filter(match__status__in=STARTED)
        .exclude(response=MatchMember.Response.DECLINED)
        .values_list(
            "match_id", "participant_id", "role", "participant__employee_id", "participant__employee__department"
        )
    )
    for match_id, participant_id, role, employee_id, department in members:
        rows[match_id].members.append((participant_id, role, employee_id, department))
    return rows


def _session_figures(organization: Organization) -> dict[int, Mapping[str, Any]]:
    """{match id: held, missed, cancelled, first and last held start}, aggregated by PostgreSQL."""
    return {
        row["match_id"]: row
        for row in scoped(MentoringSession, organization)
        .values("match_id")
        .annotate(
            held=Count("id", filter=Q(status=HELD)),
            missed=Count("id", filter=Q(status=MentoringSession.Status.MISSED)),
            cancelled=Count("id", filter=Q(status=MentoringSession.Status.CANCELLED)),
            first=Min("starts_at", filter=Q(status=HELD)),
            last=Max("starts_at", filter=Q(status=HELD)),
        )
        .order_by()
    }


@dataclass
class Extras:
    ratings: dict[int, tuple[int, int]]  # match -> (count, sum)
    raters: dict[int, set[int]]  # match -> employees who rated
    goals: dict[int, tuple[int, int]]  # match -> (goals, done)
    nudges: dict[int, int]
    checkins: dict[int, list[tuple[datetime, int, int]]]  # match -> [(submitted, score, respondent)], oldest first


def _match_extras(organization: Organization) -> Extras:
    ratings = {
        row["session__match_id"]: (row["n"], row["total"] or 0)
        for row in scoped(SessionFeedback, organization)
        .values("session__match_id")
        .annotate(n=Count("id"), total=Sum("rating"))
        .order_by()
    }
    goals = {
        row["match_id"]: (row["n"], row["done"])
        for row in scoped(Goal, organization)
        .filter(match__isnull=False)
        .values("match_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Goal.Status.DONE)))
        .order_by()
    }
    nudges = dict(
        scoped(Reminder, organization)
        .filter(kind=Reminder.Kind.INACTIVITY_NUDGE, status=Reminder.Status.SENT, match__isnull=False)
        .values("match_id")
        .annotate(n=Count("slot", distinct=True))
        .order_by()
        .values_list("match_id", "n")
    )
    raters: dict[int, set[int]] = defaultdict(set)
    for match_id, author_id in (
        scoped(SessionFeedback, organization).values_list("session__match_id", "author_id").distinct().order_by()
    ):
        raters[match_id].add(author_id)
    return Extras(ratings=ratings, raters=raters, goals=goals, nudges=nudges, checkins=checkin_scores(organization))


def checkin_scores(organization: Organization) -> dict[int, list[tuple[datetime, int, int]]]:
    """{match id: [(submitted at, "how is it going" 1-5, respondent)]}, oldest first, from every check-in
    answered."""
    score_question = {
        survey_id: str(pk)
        for pk, survey_id in scoped(SurveyQuestion, organization)
        .filter(survey__kind=CHECKIN, code=CHECKIN_SCORE)
        .values_list("pk", "survey_id")
    }
    found: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
    responses = (
        scoped(SurveyResponse, organization)
        .filter(survey__kind=CHECKIN)
        .values_list("assignment__match_id", "survey_id", "answers", "submitted_at", "assignment__respondent_id")
        .order_by("submitted_at", "id")
    )
    for match_id, survey_id, answers, submitted_at, respondent_id in responses:
        score = (answers or {}).get(score_question.get(survey_id, ""))
        if isinstance(score, int) and 1 <= score <= 5:
            found[match_id].append((submitted_at, score, respondent_id))
    return found


# --- Building the facts ----------------------------------------------------------------------------------


def _build_match_facts(
    organization: Organization, matches: dict[int, MatchRow], sessions: dict, extras: Extras, now: datetime
) -> list[MatchFact]:
    facts = []
    for match in matches.values():
        figures = sessions.get(match.pk, {})
        followers = [m for m in match.members if m[1] not in LEADS]
        leads = [m for m in match.members if m[1] in LEADS]
        department = (followers or leads or [(0, "", 0, "")])[0][3]
        until = match.ended_at or now
        months = (
            max(0.0, (until - match.started_at).total_seconds() / 86400 / DAYS_PER_MONTH) if match.started_at else 0
        )
        checkins = extras.checkins.get(match.pk, [])
        ratings, rating_sum = extras.ratings.get(match.pk, (0, 0))
        goals, goals_done = extras.goals.get(match.pk, (0, 0))
        fact = MatchFact(
            organization=organization,
            program_id=match.program_id,
            match_id=match.pk,
            status=match.status,
            department=department or "",
            proposed_at=match.created_at,
            started_at=match.started_at,
            ended_at=match.ended_at,
            first_session_at=figures.get("first"),
            last_session_at=figures.get("last"),
            sessions_held=figures.get("held", 0),
            sessions_missed=figures.get("missed", 0),
            sessions_cancelled=figures.get("cancelled", 0),
            months_active=round(months, 3),
            checkins_answered=len(checkins),
            checkin_score_sum=sum(score for _, score, _ in checkins),
            last_checkin_score=checkins[-1][1] if checkins else None,
            ratings=ratings,
            rating_sum=rating_sum,
            checkin_respondents=sorted({respondent for _, _, respondent in checkins}),
            rating_authors=sorted(extras.raters.get(match.pk, ())),
            goals=goals,
            goals_done=goals_done,
            nudges_sent=extras.nudges.get(match.pk, 0),
            computed_at=now,
        )
        fact.at_risk, fact.at_risk_reason = _risk(fact, match.cadence, now)
        facts.append(fact)
    return facts


def _risk(fact: MatchFact, cadence: int, now: datetime) -> tuple[bool, str]:
    """An active match is at risk when it has gone quiet for longer than the program's cadence allows, or
    its latest check-in was low."""
    if fact.status != Match.Status.ACTIVE or fact.started_at is None:
        return False, ""
    since = fact.last_session_at or fact.started_at
    quiet = now - since
    gap = allowed_gap(Program(cadence_per_month=cadence))
    if quiet > gap:
        what = "since the last session" if fact.last_session_at else "since the match started, and none yet"
        return True, f"No session for {quiet.days} days {what}"
    if fact.last_checkin_score is not None and fact.last_checkin_score <= LOW_CHECKIN:
        # Not the score itself, nor whose: the answer stays confidential; HR only learns the match needs care.
        return True, gettext_noop("A recent check-in was low")  # stored in English, shown translated
    return False, ""


def _build_participant_facts(
    organization: Organization, match_facts: list[MatchFact], now: datetime
) -> list[ParticipantFact]:
    by_match = {fact.match_id: fact for fact in match_facts}
    matches_of: dict[int, list[MatchFact]] = defaultdict(list)
    for participant_id, match_id in (
        scoped(MatchMember, organization)
        .filter(match_id__in=list(by_match))
        .exclude(response=MatchMember.Response.DECLINED)
        .values_list("participant_id", "match_id")
    ):
        matches_of[participant_id].append(by_match[match_id])
    facts = []
    rows = scoped(Participant, organization).values_list(
        "pk", "program_id", "employee_id", "role", "employee__department", "created_at"
    )
    for pk, program_id, employee_id, role, department, created_at in rows:
        mine = [m for m in matches_of.get(pk, []) if m.started_at is not None]
        starts = [m.started_at for m in mine if m.started_at is not None]
        first_sessions = [m.first_session_at for m in mine if m.first_session_at is not None]
        facts.append(
            ParticipantFact(
                organization=organization,
                program_id=program_id,
                participant_id=pk,
                employee_id=employee_id,
                role=role,
                department=department,
                enrolled_at=created_at,
                matched_at=min(starts) if starts else None,
                first_session_at=min(first_sessions) if first_sessions else None,
                # Still meeting 90 days in: a match that lasted that long and has met at least once.
                active_at_90_days=any(_lasted(m, timedelta(days=90), now) and m.first_session_at for m in mine),
                completed=any(m.status == Match.Status.COMPLETED for m in mine),
                computed_at=now,
            )
        )
    return facts


def _lasted(fact: MatchFact, span: timedelta, now: datetime) -> bool:
    """Still going `span` after its start (active then, or ended later)."""
    if fact.started_at is None or fact.started_at + span > now:
        return False
    return fact.ended_at is None or fact.ended_at >= fact.started_at + span


def _build_program_days(
    organization: Organization,
    match_facts: list[MatchFact],
    participant_facts: list[ParticipantFact],
    now: datetime,
) -> list[ProgramDay]:
    """One row per program, department and day, from the program's first enrollment to today: running
    totals (enrolled, matched, active matches) and the day's own events (sessions held, check-ins answered,
    goals done). Participants count in their own department, a match's events in its mentee's."""
    today = now.astimezone(UTC).date()
    department_of = {fact.match_id: fact.department for fact in match_facts}
    held = _per_day(scoped(MentoringSession, organization).filter(status=HELD), "starts_at", Count("id"))
    goals_done = _per_day(
        scoped(Goal, organization).filter(completed_at__isnull=False, match__isnull=False), "completed_at", Count("id")
    )
    respondents: dict[tuple[int, str, date], set[int]] = defaultdict(set)
    # (program, department, day) -> [enrolled, matched, active, held, checkins, checkin sum, goals done]
    changes: dict[tuple[int, str], dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 7))
    for fact in participant_facts:
        changes[fact.program_id, fact.department][_day(fact.enrolled_at)][0] += 1
        if fact.matched_at:
            changes[fact.program_id, fact.department][_day(fact.matched_at)][1] += 1
    for match_fact in match_facts:
        events = changes[match_fact.program_id, match_fact.department]
        if match_fact.started_at:
            events[_day(match_fact.started_at)][2] += 1
            if match_fact.ended_at:
                events[_day(match_fact.ended_at)][2] -= 1
    facts_by_match = {fact.match_id: fact for fact in match_facts}
    for (match_id, day), n in held.items():
        if match_id in facts_by_match:
            changes[facts_by_match[match_id].program_id, department_of[match_id]][day][3] += n
    for match_id, scores in checkin_scores(organization).items():
        if match_id in facts_by_match:
            events = changes[facts_by_match[match_id].program_id, department_of[match_id]]
            for submitted_at, score, respondent in scores:
                events[_day(submitted_at)][4] += 1
                events[_day(submitted_at)][5] += score
                respondents[facts_by_match[match_id].program_id, department_of[match_id], _day(submitted_at)].add(
                    respondent
                )
    for (match_id, day), n in goals_done.items():
        if match_id in facts_by_match:
            changes[facts_by_match[match_id].program_id, department_of[match_id]][day][6] += n
    first_day: dict[int, date] = {}
    for (program_id, _department), by_day in changes.items():
        first_day[program_id] = min(first_day.get(program_id, today), min(by_day))
    days = []
    for (program_id, department), by_day in changes.items():
        enrolled = matched = active = 0
        day = first_day[program_id]
        while day <= today:
            change = by_day.get(day, [0] * 7)
            enrolled, matched, active = enrolled + change[0], matched + change[1], active + change[2]
            days.append(
                ProgramDay(
                    organization=organization,
                    program_id=program_id,
                    department=department,
                    day=day,
                    enrolled=enrolled,
                    matched_participants=matched,
                    active_matches=max(0, active),
                    sessions_held=change[3],
                    checkins_answered=change[4],
                    checkin_score_sum=change[5],
                    checkin_respondents=sorted(respondents.get((program_id, department, day), ())),
                    goals_done=change[6],
                    computed_at=now,
                )
            )
            day += timedelta(days=1)
    return days


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _per_day(queryset, moment: str, aggregate) -> dict[tuple[int, date], int]:
    """{(match id, UTC day): aggregate}, grouped by PostgreSQL."""
    rows = (
        queryset.annotate(day=TruncDate(moment, tzinfo=UTC))
        .values("match_id", "day")
        .annotate(n=aggregate)
        .order_by()
        .values_list("match_id", "day", "n")
    )
    return {(match_id, day): n for match_id, day, n in rows}


# --- Runs (the Celery job) ---------------------------------------------------------------------------------
# Claimed, kept alive by a heartbeat and, when its worker dies, queued again by the sweeper: mentorhub/jobs/.


def rollup_run_start(*, organization: Organization, actor: User | None) -> tuple[RollupRun, bool]:
    """Queue a recompute, or return the one already queued or running. (run, created).

    A run an admin starts (`actor`) is in the audit log; the nightly run (no actor) is not: it is no one's
    action, and the runs list shows it anyway."""
    open_run = scoped(RollupRun, organization).filter(status__in=[RollupRun.Status.QUEUED, RollupRun.Status.RUNNING])
    dead = open_run.filter(liveness.dead())
    dead.update(status=RollupRun.Status.FAILED, error="Interrupted (its worker stopped).", finished_at=timezone.now())
    existing = open_run.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = RollupRun.objects.create(organization=organization)
            if actor is not None:
                audit_record(organization=organization, actor=actor, verb="analytics.recompute", target=run)
    except IntegrityError:  # a parallel click won
        return open_run.get(), False
    from ..tasks import ROLLUP_RUNS  # the tasks module imports the services

    send_on_commit(ROLLUP_RUNS, organization_id=organization.pk, pk=run.pk)
    return run, True


def rollup_run_execute(*, organization_id: int, run_id: int) -> RollupRun | None:
    """Claim the run (conditional UPDATE: a second delivery finds nothing; a run whose worker died is taken
    again) and do it, with a heartbeat while it works."""
    now, token = timezone.now(), liveness.claim_token()
    rows = RollupRun.objects.filter(organization_id=organization_id, pk=run_id)
    if not liveness.claim(rows, token=token, now=now, started_at=now, stage="Starting"):
        logger.info("Roll-up run %s: nothing to claim", run_id)
        return None
    organization = Organization.objects.get(pk=organization_id)
    mine = rows.filter(status=RollupRun.Status.RUNNING, claimed_by=token)

    def progress(percent: int, stage: str) -> None:
        mine.update(progress=percent, stage=stage[:80], heartbeat_at=timezone.now())

    try:
        with liveness.Heartbeat(RollupRun, pk=run_id, organization_id=organization_id, token=token):
            summary = rollup_organization(organization=organization, progress=progress)
    except Exception as error:  # recorded on the run (the admin sees it and can run it again), and logged
        logger.exception("Roll-up run %s failed", run_id)
        mine.update(status=RollupRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        return rows.get()
    try:
        liveness.finish(
            rows,
            token=token,
            status=RollupRun.Status.DONE,
            progress=100,
            stage="Done",
            duration_s=summary.seconds,
            finished_at=timezone.now(),
        )
    except liveness.TakenOver:  # the worker that took it over replaces the same facts again: no harm
        logger.warning("Roll-up run %s: taken over by another worker", run_id)
    return rows.get()
