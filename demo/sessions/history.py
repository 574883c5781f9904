"""The history of each match, in memory: when and how its people meet (a usual day and time that suits
their time zones), how each session went, what they rated and noted, and their goals with milestones. Also
moving the programs back so that they started about six months ago. Written to the database by __init__.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from demo.audit_history import audit_history_writable
from demo.programs import DEMO_MEMBER_EMAIL
from matching.models import Match, MatchMember, MatchRun
from mentorhub.accounts.models import AuditEvent, Employee, Organization
from mentorhub.tenancy import scoped
from programs.models import Participant, Program
from sessions.models import Goal, GoalComment, GoalTemplate, MentoringSession, Milestone, SessionFeedback
from sessions.services.reminders import NUDGE_INTERVAL, allowed_gap

from .content import (
    AGENDAS,
    CANCEL_REASONS,
    COMMENTS,
    DEMO_COMMENTS,
    DEMO_GOAL,
    DEMO_MILESTONES,
    DEMO_OWN_GOAL,
    KICKOFF,
    LOW_RATINGS,
    NOTES,
    OUTCOMES,
    PROGRAMS,
    QUIET,
    RATINGS,
    REFLECTIONS,
    STEADY,
    THRIVING,
    TOPICS,
)

S = MentoringSession.Status
F = MentoringSession.Format


# --- The plan of one match ---------------------------------------------------------------------------------


@dataclass
class Plan:
    match: Match
    lead: MatchMember
    followers: list[MatchMember]
    story: str = THRIVING
    demo: bool = False
    weekday: int = 1
    local: time = time(10)
    duration: int = 45
    format: str = F.VIDEO
    location: str = ""
    sessions: list[MentoringSession] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    end: str = ""  # "hr" or "member": ended early, by whom
    escalated: bool = False
    ended_at: datetime | None = None

    @property
    def program(self) -> Program:
        return self.match.program

    @property
    def people(self) -> list[Employee]:
        return [self.lead.participant.employee, *(f.participant.employee for f in self.followers)]

    @property
    def zone(self) -> str:
        return self.lead.participant.employee.time_zone or "UTC"

    @property
    def started(self) -> datetime:
        """Every match the history plans has started (rewind_programs dated it; the past cohort's are over)."""
        return match_started(self.match)

    def last_held(self) -> datetime | None:
        return max((s.starts_at for s in self.sessions if s.status == S.HELD), default=None)


def match_started(match: Match) -> datetime:
    """When the match started, for a match the demo knows started (active, or ended since)."""
    started = match.started_at
    assert started is not None, f"match {match.pk} has not started"
    return started


def match_ended(match: Match) -> datetime:
    """When the match ended, for a match the demo knows ended (completed, or ended early)."""
    ended = match.ended_at
    assert ended is not None, f"match {match.pk} has not ended"
    return ended


def logged_at(session: MentoringSession) -> datetime:
    moment = session.logged_at
    assert moment is not None, "_session logs every session it builds"
    return moment


def logged_by(session: MentoringSession) -> Employee:
    person = session.logged_by
    assert person is not None, "_session logs every session it builds"
    return person


def due_on(milestone: Milestone) -> date:
    due = milestone.due_on
    assert due is not None, "build_goals gives every milestone a due date"
    return due


def _first(employee: Employee) -> str:
    return employee.name.split()[0]


def at(day: date, local: time, zone: str) -> datetime:
    """That local time on that day in the zone, as an instant in UTC."""
    return datetime.combine(day, local, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _nearest(day: date, weekday: int) -> date:
    delta = (weekday - day.weekday()) % 7
    return day + timedelta(days=delta - 7 if delta > 3 else delta)


def insert(model, rows: list, stamps: tuple[str, ...] = ("created_at",)) -> None:
    """bulk_create, then the timestamps the history says (auto_now(_add) would write today's)."""
    wanted = [[getattr(row, name) for name in stamps] for row in rows]
    model.objects.bulk_create(rows, batch_size=500)
    for row, values in zip(rows, wanted, strict=True):
        for name, value in zip(stamps, values, strict=True):
            setattr(row, name, value)
    model.objects.bulk_update(rows, list(stamps), batch_size=500)


def _usual_time(zone: str, others: list[str], day: date, rng: random.Random) -> time:
    """The quarter hour in the scheduler's zone that suits everyone best: working hours, else the edges."""

    def cost(hour: float) -> float:
        if 9 <= hour <= 17:
            return 0
        if 8 <= hour <= 18.5:
            return 1
        if 7 <= hour <= 20.5:
            return 3
        return 6 if 6 <= hour <= 22 else 60  # two people at 6:00 and 22:00 rather than one at 2:00

    scored = []
    for quarter in range(7 * 4, 21 * 4):
        local = time(quarter // 4, quarter % 4 * 15)
        moment = at(day, local, zone)
        total = cost(quarter / 4) + (0.3 if quarter % 2 else 0)  # :00 and :30 are the usual choices
        for other in others:
            there = moment.astimezone(ZoneInfo(other))
            total += cost(there.hour + there.minute / 60)
        scored.append((total, local))
    best = min(total for total, _ in scored)
    return rng.choice([local for total, local in scored if total <= best + 0.01])


def new_plan(match: Match, members: list[MatchMember], rng: random.Random, demo: bool) -> Plan:
    lead = next(m for m in members if m.role in (MatchMember.Role.MENTOR, MatchMember.Role.FACILITATOR))
    plan = Plan(match=match, lead=lead, followers=[m for m in members if m is not lead], demo=demo)
    circle = match.kind == Match.Kind.CIRCLE
    plan.weekday = 1 if demo else rng.choice([0, 1, 1, 2, 2, 3, 3, 4])
    others = [p.time_zone or "UTC" for p in plan.people[1:]]
    plan.local = time(15, 30) if demo else _usual_time(plan.zone, others, plan.started.date(), rng)
    plan.duration = rng.choice([60, 75, 90]) if circle else 45 if demo else rng.choice([30, 45, 45, 60, 60])
    places = {p.location for p in plan.people}
    if not circle and len(places) == 1 and "Remote" not in places and rng.random() < 0.7:
        spot = rng.choice(["4th floor café", "meeting room Willow", "library corner", "lobby coffee bar"])
        plan.format, plan.location = F.IN_PERSON, f"{places.pop()} office, {spot}"
    else:
        plan.format = F.VIDEO if circle or demo else rng.choices([F.VIDEO, F.PHONE, F.CHAT], [80, 10, 10])[0]
        plan.location = {F.VIDEO: _link(rng), F.CHAT: "Chat in the team workspace"}.get(plan.format, "")
    return plan


def _link(rng: random.Random) -> str:
    letters = "abcdefghijkmnopqrstuvwxyz"
    return "https://meet.acme.example/" + "-".join("".join(rng.choice(letters) for _ in range(n)) for n in (3, 4, 3))


# --- Moving the programs back six months ------------------------------------------------------------------


def rewind_programs(organization: Organization, programs: list[Program], rng: random.Random, now: datetime) -> None:
    """The programs started about six months ago: enrollment before that, matches approved and started over
    the first three weeks. The audit log tells the same story, each entry at its new time."""
    moments: dict[tuple[str, str], dict[str, list[datetime]]] = {}
    for program in programs:
        starts = timezone.localdate(now) - timedelta(days=PROGRAMS[program.name])
        opened = at(starts - timedelta(days=50), time(9, 30), "UTC")
        program.starts_on, program.ends_on = starts, starts + timedelta(days=365)
        program.created_at = opened - timedelta(days=6)
        scoped(Program, organization).filter(pk=program.pk).update(
            starts_on=program.starts_on, ends_on=program.ends_on, created_at=program.created_at
        )
        run_at = at(starts - timedelta(days=6), time(10), "UTC")
        participants = list(scoped(Participant, organization).filter(program=program))
        for participant in participants:
            participant.created_at = opened + timedelta(days=rng.uniform(0.2, 30))
            participant.updated_at = participant.created_at
            if participant.decided_at is not None:
                participant.decided_at = min(
                    participant.created_at + timedelta(days=rng.uniform(0.5, 8)), run_at - timedelta(hours=2)
                )
                participant.updated_at = participant.decided_at
                moments[("programs.participant", str(participant.pk))] = {
                    "participant.approve": [participant.decided_at]
                }
        Participant.objects.bulk_update(participants, ["created_at", "updated_at", "decided_at"], batch_size=500)
        for run in scoped(MatchRun, organization).filter(program=program):
            run.created_at = run.started_at = run_at
            run.finished_at = run_at + timedelta(seconds=40)
            MatchRun.objects.bulk_update([run], ["created_at", "started_at", "finished_at"])
            moments[("matching.matchrun", str(run.pk))] = {
                "match_run.start": [run_at],
                "match_run.execute": [run_at + timedelta(seconds=2)],
            }
        matches = list(
            scoped(Match, organization).filter(program=program).prefetch_related("members__participant__employee")
        )
        members, approvals, activations = [], [], []
        for match in matches:
            demo = any(m.participant.employee.email == DEMO_MEMBER_EMAIL for m in match.members.all())
            approved = at(starts + timedelta(days=1 if demo else rng.randint(0, 12)), time(14), "UTC")
            started = approved + timedelta(hours=20 if demo else rng.uniform(3, 8 * 24))
            approvals.append(approved)
            activations.append(started)
            match.created_at, match.approved_at, match.started_at, match.updated_at = (
                run_at + timedelta(seconds=40), approved, started, started
            )  # fmt: skip
            answers = sorted(approved + (started - approved) * rng.random() for _ in match.members.all())[:-1]
            answers.append(started)  # the last answer made it active
            for member, answered in zip(match.members.all(), answers, strict=True):
                member.responded_at = answered
                members.append(member)
            moments[("matching.match", str(match.pk))] = {
                "match.swap": [run_at + timedelta(hours=2)],
                "match.set_mentee": [run_at + timedelta(hours=2)],
                "match.approve": [approved],
                "match.accept": answers,
                "match.activate": [started],
            }
            scoped(Participant, organization).filter(match_memberships__match=match).update(updated_at=started)
        Match.objects.bulk_update(matches, ["created_at", "approved_at", "started_at", "updated_at"], batch_size=500)
        MatchMember.objects.bulk_update(members, ["responded_at"], batch_size=500)
        moments[("programs.program", str(program.pk))] = {
            "program.create": [program.created_at],
            "program.open_enrollment": [opened],
            "program.start_matching": [run_at - timedelta(minutes=5)],
            "match.approve": [min(approvals, default=run_at)],
            "program.activate": [max(activations, default=run_at)],
        }
    events = (
        scoped(AuditEvent, organization).filter(target_type__in={t for t, _ in moments}).order_by("created_at", "id")
    )
    seen: dict[tuple[str, str, str], int] = {}
    changed = []
    for event in events:
        times = moments.get((event.target_type, event.target_id), {}).get(event.verb)
        if times:
            index = seen.get((event.target_type, event.target_id, event.verb), 0)
            seen[(event.target_type, event.target_id, event.verb)] = index + 1
            event.created_at = times[min(index, len(times) - 1)]
            changed.append(event)
    with audit_history_writable() as writable:
        if writable:
            AuditEvent.objects.bulk_update(changed, ["created_at"], batch_size=500)


# --- Sessions ----------------------------------------------------------------------------------------------


def _final_held(plan: Plan, rng: random.Random, now: datetime) -> datetime | None:
    """For a match that went quiet: its last held session, placed so that what the inactivity planner would
    have sent by now is exactly what the history shows (quiet: the first nudge went out, the second is still
    ahead; stalled and ended: both nudges and the escalation went out long ago)."""
    gap, started = allowed_gap(plan.program), plan.started
    if plan.story == QUIET:
        candidates = []
        for back in range(1, 9):
            moment = at((now - gap).date() - timedelta(days=back), plan.local, plan.zone)
            if moment.weekday() < 5 and now - timedelta(days=6) < moment + gap < now - timedelta(hours=12):
                candidates.append(moment)
        return rng.choice(candidates) if candidates else now - gap - timedelta(days=3)
    latest = now - gap - 2 * NUDGE_INTERVAL - timedelta(days=12)
    day = min(started + timedelta(days=rng.uniform(25, 85)), latest).date()
    day = _nearest(day, plan.weekday)
    while at(day, plan.local, plan.zone) > latest:
        day -= timedelta(days=7)
    return at(day, plan.local, plan.zone)


def _session(plan: Plan, starts: datetime, status: str, rng: random.Random, now: datetime) -> MentoringSession:
    people, lead = plan.people, plan.lead.participant.employee
    session = MentoringSession(
        organization_id=plan.match.organization_id,
        program=plan.program,
        match=plan.match,
        starts_at=starts,
        duration_minutes=plan.duration if plan.demo or rng.random() < 0.85 else max(30, plan.duration - 15),
        time_zone=plan.zone,
        format=plan.format if plan.demo or rng.random() < 0.85 else F.VIDEO,
        status=status,
        scheduled_by=lead if plan.demo or rng.random() < 0.7 else rng.choice(people),
        agenda=rng.choice(AGENDAS) if rng.random() < 0.3 else "",
    )
    session.location = plan.location if session.format == plan.format else _link(rng)
    session.created_at = max(starts - timedelta(days=rng.uniform(2, 13)), plan.started + timedelta(hours=1))
    if status == S.CANCELLED:
        session.sequence = 1
        session.cancel_reason = rng.choice(CANCEL_REASONS)
        session.logged_by = rng.choice(people)
        session.logged_at = max(session.created_at + timedelta(hours=1), starts - timedelta(hours=rng.uniform(3, 60)))
    else:
        session.logged_by = lead if plan.demo or rng.random() < 0.7 else rng.choice(people)
        ends = starts + timedelta(minutes=session.duration_minutes)
        session.logged_at = min(ends + timedelta(minutes=rng.uniform(10, 30 * 60)), now - timedelta(minutes=30))
    session.updated_at = session.logged_at
    return session


def build_sessions(plan: Plan, rng: random.Random, now: datetime) -> None:
    """Sessions from the match's start on, at the pair's usual day and time, until the story says stop."""
    program, started = plan.program, plan.started
    step = 18 if plan.demo else 30 / program.cadence_per_month * (1.45 if plan.story == STEADY else 1)
    final = None if plan.story in (THRIVING, STEADY) else _final_held(plan, rng, now)
    stop = final - timedelta(days=step / 2) if final else now - timedelta(days=1)
    held, cancelled, _ = OUTCOMES[plan.story]
    day = (started + timedelta(days=rng.uniform(3, 8))).date()
    sessions: list[MentoringSession] = []
    while True:
        day = _nearest(day, plan.weekday)
        local = plan.local
        if not plan.demo and rng.random() < 0.15:  # now and then half an hour earlier or later
            local = (datetime.combine(day, local) + timedelta(minutes=rng.choice([-30, -15, 15, 30]))).time()
        starts = at(day, local, plan.zone)
        if starts > stop:
            break
        if starts > started + timedelta(hours=12):
            roll = rng.random()
            status = S.HELD if roll < held or not sessions else S.CANCELLED if roll < held + cancelled else S.MISSED
            if plan.demo:
                status = S.CANCELLED if len(sessions) == 5 else S.HELD
            sessions.append(_session(plan, starts, status, rng, now))
            if status == S.CANCELLED and (plan.demo or rng.random() < 0.7):  # moved to another day that week
                day += timedelta(days=2 if plan.demo else rng.randint(1, 3))
                while day.weekday() > 4:
                    day += timedelta(days=1)
                again = at(day, plan.local, plan.zone)
                if again < stop:
                    sessions.append(_session(plan, again, S.HELD, rng, now))
        day += timedelta(days=round(step + (0 if plan.demo else rng.uniform(-2.5, 2.5))))
    if final is not None:
        sessions.append(_session(plan, final, S.HELD, rng, now))
    _notes(plan, sessions, rng)
    plan.sessions = sessions


def _notes(plan: Plan, sessions: list[MentoringSession], rng: random.Random) -> None:
    kind = plan.program.kind
    pool = list(NOTES[kind])
    rng.shuffle(pool)
    share = 1.0 if plan.demo else {THRIVING: 0.8, STEADY: 0.6}.get(plan.story, 0.4)
    held = [s for s in sessions if s.status == S.HELD]
    for number, session in enumerate(held):
        names = {"a": _first(plan.people[0]), "b": _first(rng.choice(plan.people[1:]))}
        if number == 0:
            session.shared_notes = KICKOFF[kind].format(**names)
        elif rng.random() < share:
            session.shared_notes = pool[number % len(pool)].format(**names)
    for session in sessions:
        if session.status == S.MISSED and rng.random() < 0.4:
            session.shared_notes = f"{_first(logged_by(session))} waited fifteen minutes; we'll pick it up next time."


def build_feedback(plan: Plan, rng: random.Random, now: datetime) -> list[SessionFeedback]:
    """Most people rate most held sessions; some write a private reflection."""
    rows = []
    topics, ratings = TOPICS[plan.program.kind], RATINGS.get(plan.story, LOW_RATINGS)
    for session in plan.sessions:
        if session.status != S.HELD:
            continue
        for person in plan.people:
            if not plan.demo and rng.random() > 0.8:
                continue
            role = "lead" if person.pk == plan.lead.participant.employee_id else "follower"
            reflects = rng.random() < (0.55 if plan.demo else 0.28)
            reflection = rng.choice(REFLECTIONS[(plan.program.kind, role)]) if reflects else ""
            given = min(logged_at(session) + timedelta(hours=rng.uniform(0, 30)), now - timedelta(minutes=20))
            rows.append(
                SessionFeedback(
                    organization_id=session.organization_id,
                    session=session,
                    author=person,
                    rating=rng.choices(list(ratings), weights=list(ratings.values()))[0],
                    topics=rng.sample(topics, rng.randint(1, 3)),
                    reflection=reflection,
                    created_at=given,
                    updated_at=given,
                )
            )
    return rows


# --- Goals -------------------------------------------------------------------------------------------------


def build_goals(
    plan: Plan, templates: list[GoalTemplate], rng: random.Random, now: datetime
) -> tuple[list[Goal], list[Milestone], list[GoalComment]]:
    """1-3 goals per match (the match's, or one follower's own) with 2-4 milestones, done as far as the story
    went. The demo pair: its shared goal with two milestones still ahead, and Maya's own goal, done."""
    today = timezone.localdate(now)
    held = [s for s in plan.sessions if s.status == S.HELD]
    created = (logged_at(held[0]) if held else plan.started) + timedelta(days=rng.uniform(0.5, 5))
    lead = plan.lead.participant.employee
    done_share = {THRIVING: 0.92, STEADY: 0.7, QUIET: 0.45}.get(plan.story, 0.2)
    circle = plan.match.kind == Match.Kind.CIRCLE
    if plan.demo:
        chosen = [next(t for t in templates if t.title == title) for title in (DEMO_GOAL, DEMO_OWN_GOAL)]
    else:
        chosen = rng.sample(templates, 3 if circle else rng.choice([1, 2, 2, 3]))
    goals, milestones, comments = [], [], []
    for index, template in enumerate(chosen):
        follower = rng.choice(plan.followers)
        shared = index == 0 if circle or plan.demo else rng.random() < 0.6
        goal = Goal(
            organization_id=plan.match.organization_id,
            program=plan.program,
            match=plan.match if shared else None,
            participant=None if shared else follower.participant,
            template=template,
            title=template.title,
            description=template.description,
            created_by=follower.participant.employee if plan.demo or rng.random() < 0.75 else lead,
            created_at=created,
        )
        steps = [(m["title"], created.date() + timedelta(days=m["due_after_days"])) for m in template.milestones]
        if plan.demo and index == 0:
            steps = [(title, today + timedelta(days=days)) for title, days, _ in DEMO_MILESTONES]
        elif not plan.demo and len(steps) < 4 and rng.random() < 0.4:
            steps.append(("Talk it through at a session and decide what next", steps[-1][1] + timedelta(days=30)))
        rows = []
        done_times: list[datetime] = []  # of the milestones done
        slipped = False  # a milestone not done is past its due date
        for position, (title, due) in enumerate(steps):
            milestone = Milestone(
                organization_id=goal.organization_id, goal=goal, title=title, due_on=due, position=position
            )
            milestone.created_at = created
            if plan.demo and index == 0:
                done = DEMO_MILESTONES[position][2]
            else:
                done = due < today and (plan.demo or rng.random() < done_share)
            if done:
                owner = follower.participant.employee
                moment = at(due - timedelta(days=rng.randint(0, 9)), time(rng.randint(9, 17)), owner.time_zone)
                done_at = min(max(moment, created + timedelta(hours=2)), now - timedelta(hours=2))
                milestone.done_at, milestone.done_by = done_at, owner
                done_times.append(done_at)
            else:
                slipped = slipped or due < today
            rows.append(milestone)
        goal.due_on = max(due for _, due in steps)
        if len(done_times) == len(rows):
            goal.status, goal.completed_at = Goal.Status.DONE, max(done_times)
        elif slipped and (
            rng.random() < {THRIVING: 0.35, STEADY: 0.6}.get(plan.story, 1)
        ):  # a pair that meets often just moves on past a slipped milestone
            goal.status = Goal.Status.AT_RISK
        goal.updated_at = max([created, *done_times])
        goals.append(goal)
        milestones += rows
        talks = (2 if index == 0 else 0) if plan.demo else (1 if rng.random() < 0.6 else 0)
        for number in range(talks):
            anchor = next((m.done_at for m in rows[number:] if m.done_at), None) or created + timedelta(days=20)
            body = DEMO_COMMENTS[number] if plan.demo else rng.choice(COMMENTS)
            said = min(anchor + timedelta(hours=rng.uniform(2, 48)), now - timedelta(hours=1))
            comments.append(
                GoalComment(organization_id=goal.organization_id, goal=goal, author=lead, body=body, created_at=said)
            )
    return goals, milestones, comments
