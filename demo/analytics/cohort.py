"""The past cohort: "Grow Together 2025", a closed one-to-one program that started about twenty months ago and
ran six months, so that a year after each participant's start can be seen (retention, promotions).

Its people come from acme's roster and are in no other program. Mentees are drawn mostly from departments,
levels and tenures where colleagues who never enrolled are plentiful: the impact report compares each
participant with such colleagues, and a demo where most participants have no one to compare with would show
little. Matches start in the program's first weeks; five end early (with their reasons, one because the
mentee left Acme), four complete a little before the end by agreement, the rest when the program ends. Their
history (sessions about once a month, ratings, goals) is written in bulk with the sessions demo's builders,
the program itself and its goal templates go through the services, and the audit log is dated as it happened.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from analytics.reports.impact_controls import tenure_band
from demo.audit_history import audit_history_writable
from demo.programs import _Answers
from demo.sessions.content import STEADY, THRIVING
from demo.sessions.history import (
    Plan,
    at,
    build_feedback,
    build_goals,
    build_sessions,
    insert,
    match_ended,
    match_started,
    new_plan,
)
from matching.models import ExcludedPair, Match, MatchMember
from mentorhub.accounts.models import AuditEvent, Employee, Membership, Organization
from mentorhub.tenancy import scoped
from programs.models import Participant, Program, Question
from programs.services.programs import program_create, program_move
from sessions.models import Goal, GoalComment, GoalTemplate, MentoringSession, Milestone, SessionFeedback
from sessions.services.goals import goal_template_create

from .content import (
    COHORT_LEAVERS_MONTHS,
    COMPLETED_EARLY_REASON,
    COMPLETED_REASON,
    EARLY_COMPLETIONS,
    EARLY_ENDS,
    PAST_CAPACITIES,
    PAST_DESCRIPTION,
    PAST_MENTEES,
    PAST_PROGRAM,
    PAST_STARTED_DAYS_AGO,
    PAST_TEMPLATES,
    PAST_WAITLISTED,
    PAST_WEEKS,
)

P = Participant.Status
M = Match.Status
MONTH = 365.25 / 12


@dataclass
class Cohort:
    program: Program
    plans: list[Plan] = field(default_factory=list)
    story: dict[int, str] = field(default_factory=dict)  # match id -> thriving, steady, quiet or ended
    start_of: dict[int, datetime] = field(default_factory=dict)  # employee id -> start of their first match
    departures: dict[int, date] = field(default_factory=dict)  # employee id -> last day (participants who left)
    mentors: set[int] = field(default_factory=set)  # employee ids


def _stratum(employee: Employee, day: date) -> tuple[str, int, str]:
    return employee.department, employee.job_level, tenure_band(employee.hired_on, day)


def _choose(
    rng: random.Random, pool: list[Employee], count: int, room: Counter, day: date, *, comparable: bool
) -> list[Employee]:
    """`count` people from `pool`; with `comparable`, people whose stratum still has never-enrolled colleagues
    to compare them with (`room`: each person chosen leaves the pool of comparisons and takes up to three)."""
    chosen: list[Employee] = []
    pool = list(pool)
    for _ in range(min(count, len(pool))):
        weights = [1.0] * len(pool)
        if comparable:
            weights = [min(room[_stratum(e, day)] - 1, 6) ** 2 if room[_stratum(e, day)] > 1 else 0 for e in pool]
            weights = weights if any(weights) else [1.0] * len(pool)
        person = rng.choices(pool, weights=weights)[0]
        pool.remove(person)
        room[_stratum(person, day)] -= 4 if comparable else 1
        chosen.append(person)
    return chosen


def _people(organization: Organization, rng: random.Random, opened: datetime, index_day: date):
    """(mentors, mentees, waitlisted): acme colleagues in no other program, employed well before enrollment."""
    enrolled = set(scoped(Participant, organization).values_list("employee_id", flat=True))
    never = [
        e
        for e in scoped(Employee, organization).exclude(employee_id__startswith="DEMO-").order_by("employee_id")
        if e.pk not in enrolled
    ]
    room = Counter(
        _stratum(e, index_day)
        for e in never
        if e.hired_on <= index_day and (e.left_on is None or e.left_on > index_day)
    )
    settled = [e for e in never if e.left_on is None and e.hired_on <= opened.date() - timedelta(days=60)]
    mentors = _choose(rng, [e for e in settled if 5 <= e.job_level <= 8], len(PAST_CAPACITIES), room, index_day,
                      comparable=True)  # fmt: skip
    taken = {e.pk for e in mentors}
    juniors = [e for e in settled if e.job_level <= 4 and e.pk not in taken]
    mentees = _choose(rng, juniors, PAST_MENTEES, room, index_day, comparable=True)
    taken |= {e.pk for e in mentees}
    waitlisted = _choose(rng, [e for e in juniors if e.pk not in taken], PAST_WAITLISTED, room, index_day,
                         comparable=False)  # fmt: skip
    return mentors, mentees, waitlisted


def _pairs(rng: random.Random, mentors: list[Employee], mentees: list[Employee]) -> list[tuple[Employee, Employee]]:
    """Each mentee with a more senior mentor with room, from another department more often than not."""
    room = {mentor.pk: capacity for mentor, capacity in zip(mentors, PAST_CAPACITIES, strict=False)}
    pairs = []
    for mentee in sorted(mentees, key=lambda e: -e.job_level):  # the hardest to place first
        fits = [m for m in mentors if room[m.pk] and m.job_level > mentee.job_level] or [
            m for m in mentors if room[m.pk]
        ]
        weights = [3 if m.department != mentee.department else 1 for m in fits]
        mentor = rng.choices(fits, weights=weights)[0]
        room[mentor.pk] -= 1
        pairs.append((mentor, mentee))
    return pairs


def _program(organization: Organization, admin: Membership, starts_on: date) -> Program:
    actor = admin.user
    program = program_create(
        organization=organization,
        actor=actor,
        data={
            "name": PAST_PROGRAM,
            "kind": Program.Kind.ONE_ON_ONE,
            "description": PAST_DESCRIPTION,
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(weeks=PAST_WEEKS),
            "cadence_per_month": 1,
        },
    )
    for status in (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE):
        program_move(organization=organization, actor=actor, program_id=program.pk, to_status=status)
    program.refresh_from_db()
    return program


def _ends_on(program: Program) -> date:
    ends_on = program.ends_on
    assert ends_on is not None, "_program gives the past program its end"
    return ends_on


def _templates(organization: Organization, admin: Membership, program: Program) -> list[GoalTemplate]:
    return [
        goal_template_create(
            organization=organization,
            actor=admin.user,
            program_id=program.pk,
            title=title,
            description=description,
            milestones=[{"title": step, "due_after_days": days} for step, days in steps],
        )
        for title, description, steps in PAST_TEMPLATES
    ]


def _participants(
    organization: Organization,
    program: Program,
    admin: Membership,
    rng: random.Random,
    groups: list[tuple[str, str, list[Employee]]],
    opened: datetime,
    run_at: datetime,
) -> dict[tuple[int, str], Participant]:
    questions = list(scoped(Question, organization).filter(program=program).order_by("position", "id"))
    mentors = next(people for role, _, people in groups if role == Participant.Role.MENTOR)
    capacities = {mentor.pk: capacity for mentor, capacity in zip(mentors, PAST_CAPACITIES, strict=False)}
    rows = []
    for role, status, people in groups:
        for employee in people:
            created = opened + timedelta(days=rng.uniform(0.2, 30))
            decided = min(created + timedelta(days=rng.uniform(0.5, 8)), run_at - timedelta(hours=2))
            rows.append(
                Participant(
                    organization=organization,
                    program=program,
                    employee=employee,
                    role=role,
                    status=status,
                    answers=_Answers(rng, program.kind, role, employee).for_questions(questions),
                    capacity=capacities.get(employee.pk) if role == Participant.Role.MENTOR else None,
                    decided_by=admin.user,
                    decided_at=decided,
                    created_at=created,
                    updated_at=decided,
                )
            )
    insert(Participant, rows, ("created_at", "updated_at"))
    return {(row.employee_id, row.role): row for row in rows}


def _fates(rng: random.Random, count: int) -> list[tuple[str, tuple | None]]:
    """Per match: (story, early end or None), shuffled."""
    fates: list[tuple[str, tuple | None]] = [("quiet" if end[0] == "quiet" else "ended", end) for end in EARLY_ENDS]
    fates += [(THRIVING, ("early",))] * EARLY_COMPLETIONS
    rest = count - len(fates)
    fates += [(THRIVING, None)] * round(rest * 0.6) + [(STEADY, None)] * (rest - round(rest * 0.6))
    rng.shuffle(fates)
    return fates


def seed_past_cohort(organization: Organization, admin: Membership, rng: random.Random, now: datetime) -> Cohort:
    """Write the past program, its people, matches and history. Returns what the surveys and roster need."""
    today = timezone.localdate(now)
    starts_on = today - timedelta(days=PAST_STARTED_DAYS_AGO)
    opened = at(starts_on - timedelta(days=50), time(9, 30), "UTC")
    run_at = at(starts_on - timedelta(days=6), time(10), "UTC")
    mentors, mentees, waitlisted = _people(organization, rng, opened, starts_on + timedelta(days=8))
    program = _program(organization, admin, starts_on)
    templates = _templates(organization, admin, program)
    by_person = _participants(
        organization, program, admin, rng,
        [(Participant.Role.MENTOR, P.MATCHED, mentors), (Participant.Role.MENTEE, P.MATCHED, mentees),
         (Participant.Role.MENTEE, P.WAITLISTED, waitlisted)],
        opened, run_at,
    )  # fmt: skip

    cohort = Cohort(program=program, mentors={mentor.pk for mentor in mentors})
    pairs = _pairs(rng, mentors, mentees)
    fates = _fates(rng, len(pairs))
    program_end = at(_ends_on(program) + timedelta(days=1), time(2, 15), "UTC")
    matches, members, ends = [], [], {}
    for (mentor, mentee), (story, end) in zip(pairs, fates, strict=True):
        approved = at(starts_on + timedelta(days=rng.randint(0, 10)), time(14), "UTC")
        started = approved + timedelta(hours=rng.uniform(3, 6 * 24))
        match = Match(
            organization=organization,
            program=program,
            kind=Match.Kind.PAIR,
            score=round(rng.uniform(0.58, 0.93), 3),
            approved_by=admin.user,
            approved_at=approved,
            started_at=started,
            created_at=run_at + timedelta(seconds=40),
        )
        if end is None:
            match.status, match.end_reason = M.COMPLETED, COMPLETED_REASON
            ended = program_end + timedelta(seconds=rng.randint(1, 50))
        elif end[0] == "early":
            match.status, match.end_reason = M.COMPLETED, COMPLETED_EARLY_REASON
            ended = at(started.date() + timedelta(days=rng.randint(150, 168)), time(rng.randint(9, 17)), "UTC")
        else:
            kind, days, reason = end
            match.status, match.end_reason = M.ENDED, reason
            ended = at(started.date() + timedelta(days=days), time(rng.randint(9, 17)), "UTC")
            if kind == "left":
                cohort.departures[mentee.pk] = ended.date()
        match.ended_at = match.updated_at = ended
        matches.append(match)
        ends[id(match)] = (story, end)
        answers = sorted(approved + (started - approved) * rng.random() for _ in range(2))
        for employee, role, answered in ((mentor, "mentor", answers[0]), (mentee, "mentee", started)):
            members.append(
                MatchMember(
                    organization=organization,
                    program=program,
                    match=match,
                    participant=by_person[employee.pk, role],
                    role=role,
                    current=False,
                    response=MatchMember.Response.ACCEPTED,
                    responded_at=answered,
                )
            )
    insert(Match, matches, ("created_at", "updated_at"))
    MatchMember.objects.bulk_create(members, batch_size=500)  # their match ids are known now
    pairs_of: dict[int, list[MatchMember]] = {}
    for member in members:
        pairs_of.setdefault(member.match.pk, []).append(member)

    withdrawn, excluded = [], []
    rows: dict[str, list] = {"sessions": [], "feedback": [], "goals": [], "milestones": [], "comments": []}
    for match in matches:
        story, end = ends[id(match)]
        pair = pairs_of[match.pk]
        plan = new_plan(match, pair, rng, demo=False)
        # The builders know thriving and steady pairs; one that ended early met like a steady one until then.
        plan.story = story if story in (THRIVING, STEADY) else STEADY
        build_sessions(plan, rng, plan.started + timedelta(days=35) if story == "quiet" else match_ended(match))
        plan.story = story  # ratings and goals as the story went
        rows["sessions"] += plan.sessions
        cohort.plans.append(plan)
        cohort.story[match.pk] = story
        if end is not None and end[0] != "early":
            lead, follower = plan.lead.participant, plan.followers[0].participant
            withdrawn.append(follower.pk)  # no re-match: the program was past its matching weeks
            reason = f"Match {match.pk} ended early"
            excluded.append(ExcludedPair(organization=organization, program=program, mentor=lead, mentee=follower,
                                         reason=reason, created_at=match_ended(match)))  # fmt: skip
        for member in pair:
            employee_id = member.participant.employee_id
            if employee_id not in cohort.start_of or plan.started < cohort.start_of[employee_id]:
                cohort.start_of[employee_id] = plan.started
    insert(MentoringSession, rows["sessions"], ("created_at", "updated_at"))
    for plan in cohort.plans:
        rows["feedback"] += build_feedback(plan, rng, match_ended(plan.match))
        plan.goals, milestones, comments = build_goals(plan, templates, rng, match_ended(plan.match))
        rows["goals"] += plan.goals
        rows["milestones"] += milestones
        rows["comments"] += comments
    insert(SessionFeedback, rows["feedback"], ("created_at", "updated_at"))
    insert(Goal, rows["goals"], ("created_at", "updated_at"))
    insert(Milestone, rows["milestones"])
    insert(GoalComment, rows["comments"])
    insert(ExcludedPair, excluded)
    scoped(Participant, organization).filter(pk__in=withdrawn).update(status=P.WITHDRAWN)

    _later_departures(cohort, rng, today)
    _close(organization, admin, program, matches, templates, opened, run_at)
    return cohort


def _later_departures(cohort: Cohort, rng: random.Random, today: date) -> None:
    """Besides the mentee who left during the program: four people within a year of their start (a mentor among
    them), two later."""
    stayers = sorted(pk for pk in cohort.start_of if pk not in cohort.departures)
    mentor = rng.choice([pk for pk in stayers if pk in cohort.mentors])
    leavers = [mentor, *rng.sample([pk for pk in stayers if pk != mentor], len(COHORT_LEAVERS_MONTHS) - 1)]
    for pk, months in zip(leavers, COHORT_LEAVERS_MONTHS, strict=True):
        day = cohort.start_of[pk].date() + timedelta(days=round(months * MONTH + rng.uniform(-10, 10)))
        cohort.departures[pk] = min(day, today - timedelta(days=3))


def _close(
    organization: Organization,
    admin: Membership,
    program: Program,
    matches: list[Match],
    templates: list[GoalTemplate],
    opened: datetime,
    run_at: datetime,
) -> None:
    """Close the program through the service, then date the program and its audit log as it happened."""
    program_move(organization=organization, actor=admin.user, program_id=program.pk, to_status=Program.Status.CLOSED)
    closed = at(_ends_on(program) + timedelta(days=9), time(16), "UTC")
    created = opened - timedelta(days=6)
    scoped(Program, organization).filter(pk=program.pk).update(created_at=created, updated_at=closed)
    moments = {
        "program.create": created,
        "program.open_enrollment": opened,
        "program.start_matching": run_at - timedelta(minutes=5),
        "program.activate": max(match_started(m) for m in matches),
        "program.close": closed,
    }
    with audit_history_writable() as writable:
        for verb, moment in moments.items() if writable else ():
            scoped(AuditEvent, organization).filter(
                verb=verb, target_type="programs.program", target_id=str(program.pk)
            ).update(created_at=moment)
    ids = [str(t.pk) for t in templates]
    scoped(GoalTemplate, organization).filter(pk__in=[t.pk for t in templates]).update(
        created_at=opened - timedelta(days=3), updated_at=opened - timedelta(days=3)
    )
    with audit_history_writable() as writable:
        if writable:
            scoped(AuditEvent, organization).filter(verb="goal_template.create", target_id__in=ids).update(
                created_at=opened - timedelta(days=3)
            )


def first_starts(organization: Organization) -> dict[int, datetime]:
    """{employee id: start of their first match} of everyone whose match started, in any program."""
    starts: dict[int, datetime] = {}
    rows = (
        scoped(MatchMember, organization)
        .filter(match__status__in=[M.ACTIVE, M.COMPLETED, M.ENDED], match__started_at__isnull=False)
        .exclude(response=MatchMember.Response.DECLINED)
        .values_list("participant__employee_id", "match__started_at")
    )
    for employee_id, started in rows:
        assert started is not None, "rows of started matches only (match__started_at__isnull=False)"
        if employee_id not in starts or started < starts[employee_id]:
            starts[employee_id] = started.astimezone(UTC)
    return starts
