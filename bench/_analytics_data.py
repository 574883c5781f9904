"""The data of the analytics benchmark (bench/analytics.py, whose docstring says what it holds): one large
organization seeded with COPY, ids chosen here so that rows can point at each other. BENCH_SCALE multiplies
every count (e.g. 0.1 for a quick try).

A helper beside the benchmarks, not one itself (`make bench` runs bench/[!_]*.py only)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.1 for a quick try: every count times this
EMPLOYEES = round(50_000 * SCALE)
SESSIONS = round(1_000_000 * SCALE)
DEPARTMENTS = [
    "Engineering",
    "Product",
    "Sales",
    "Marketing",
    "People",
    "Finance",
    "Operations",
    "Customer Success",
    "Sustainability",
    "Legal",
    "Data",
    "Design",
]
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
]
# name, kind, started days ago, weeks, status, matches (pairs; circles for group), unmatched applicants
PROGRAMS = [
    ("Grow 2025 spring", "one_on_one", 700, 26, "closed", 2200, 500),
    ("Reverse 2025", "reverse", 600, 17, "closed", 800, 200),
    ("Grow 2025 autumn", "one_on_one", 500, 26, "closed", 2400, 600),
    ("Leadership Circles 2026", "group", 330, 40, "active", 400, 300),
    ("Grow 2026", "one_on_one", 200, 52, "active", 3000, 1000),
    ("Reverse 2026", "reverse", 150, 26, "active", 1200, 600),
]
CIRCLE_MEMBERS = 5
# Unmatched applicants fill up to 20,000 participants; mentors take two mentees each.

# --- Seeding (not timed) -------------------------------------------------------------------------------------


class Ids:
    """Ids chosen here, so that COPY can write rows that point at each other; sequences are moved after."""

    def __init__(self) -> None:
        self.last: dict[str, int] = defaultdict(int)

    def next(self, model) -> int:
        self.last[model._meta.db_table] += 1
        return self.last[model._meta.db_table]


def _value(value) -> object:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def copy(model, fields: str, rows: Iterable[tuple], chunk: int = 200_000) -> int:
    """COPY rows (tuples in the order of `fields`, space-separated attnames) into the model's table."""
    from django.db import connection

    names = fields.split()
    columns = ", ".join(f'"{model._meta.get_field(name).column}"' for name in names)
    sql = f"COPY \"{model._meta.db_table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    total, buffer = 0, io.StringIO()
    writer = csv.writer(buffer)
    with connection.cursor() as cursor:
        for row in rows:
            writer.writerow([_value(value) for value in row])
            total += 1
            if total % chunk == 0:
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
                buffer = io.StringIO()
                writer = csv.writer(buffer)
        buffer.seek(0)
        cursor.cursor.copy_expert(sql, buffer)
    return total


def reset_sequences(models: list) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
            cursor.execute(f'SELECT setval({sequence}, GREATEST((SELECT MAX(id) FROM "{table}"), 1))')  # noqa: S608


def at(day: date, hour: float = 10.0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour)


def after(rng: random.Random, start: date, per_year: float) -> date:
    return start + timedelta(days=math.ceil(rng.expovariate(per_year) * 365.25))


@dataclass
class Plan:
    """One match as seeded: its id, program, start, end (None: still going), status and people (employee ids)."""

    match_id: int
    program: object
    started: datetime
    ended: datetime | None
    status: str
    people: list[int]


@dataclass
class Seeder:
    rng: random.Random
    now: datetime
    org: object = None
    ids: Ids = field(default_factory=Ids)
    employees: list[list] = field(default_factory=list)  # [id, level, hired_on, left_on, department]
    plans: list[Plan] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.date()

    def roster(self) -> None:
        """Levels mostly 2 to 5, tenures up to twelve years; who left in the last two years, who moved up."""
        from mentorhub.accounts.models import Employee, EmploymentEvent

        rng, today, org = self.rng, self.today, self.org
        events = []
        for i in range(EMPLOYEES):
            level = min(9, max(1, int(rng.triangular(1, 10, 3))))
            hired = today - timedelta(days=rng.randrange(20, 365 * 12))
            left = None
            if rng.random() < 0.16 and (today - hired).days > 120:
                left = today - timedelta(days=rng.randrange(1, min(730, (today - hired).days - 60)))
            self.employees.append([self.ids.next(Employee), level, hired, left, DEPARTMENTS[i % len(DEPARTMENTS)]])
        for employee in self.employees:
            pk, level, hired, left, _department = employee
            day = after(rng, max(hired + timedelta(days=180), today - timedelta(days=730)), 0.08)
            while day < (left or today) and level < 9:
                row = (self.ids.next(EmploymentEvent), org.pk, pk, "level_change", day, level, level + 1, at(day))
                events.append(row)
                level, day = level + 1, after(rng, day, 0.08)
            employee[1] = level
            if left:
                events.append((self.ids.next(EmploymentEvent), org.pk, pk, "left", left, "", left, at(left)))
        fields = "id organization_id employee_id email name department job_level time_zone hired_on left_on"
        rows = (
            (pk, org.pk, f"E{pk:06d}", f"person.{pk}@bench.example", f"Person {pk}", department, level,
             ZONES[pk % len(ZONES)], hired, left)
            for pk, level, hired, left, department in self.employees
        )  # fmt: skip
        rows = ((*row, "", "", self.now, self.now) for row in rows)
        copy(Employee, f"{fields} title location created_at updated_at", rows)
        copy(EmploymentEvent, "id organization_id employee_id kind occurred_on old_value new_value created_at", events)
        left = sum(1 for employee in self.employees if employee[3])
        self.counts.update(employees=len(self.employees), left=left, events=len(events))

    def programs(self) -> None:
        """Six programs over two years; participants; matches with their members."""
        from matching.models import Match, MatchMember
        from programs.models import Participant, Program

        rng, today, org, ids = self.rng, self.today, self.org, self.ids
        participants, matches, members = [], [], []
        for name, kind, ago, weeks, status, count, unmatched in PROGRAMS:
            count, unmatched = round(count * SCALE), round(unmatched * SCALE)
            starts = today - timedelta(days=ago)
            program = Program.objects.create(organization=org, name=name, kind=kind, status=status, starts_on=starts,
                                             ends_on=starts + timedelta(weeks=weeks),
                                             cadence_per_month=1 if kind == "reverse" else 2)  # fmt: skip
            Program.objects.filter(pk=program.pk).update(created_at=at(starts - timedelta(days=60)))
            # Employed when it opened and still there a month in (by the roster's levels of today).
            there = [e for e in self.employees if e[2] < starts - timedelta(days=60)
                     and (e[3] is None or e[3] > starts + timedelta(days=30))]  # fmt: skip
            seniors, juniors = [e[0] for e in there if e[1] >= 5], [e[0] for e in there if e[1] <= 4]
            size = CIRCLE_MEMBERS if kind == "group" else 1
            lead_pool, follower_pool = (juniors, seniors) if kind == "reverse" else (seniors, juniors)
            leads = rng.sample(lead_pool, count if kind == "group" else count // 2)
            followers = rng.sample(follower_pool, count * size + unmatched)
            waiting = set(followers[count * size :])  # applicants never matched
            part_of = {}
            for role, people in (("mentor", leads), ("mentee", followers)):
                for employee_id in people:
                    pk = part_of[role, employee_id] = ids.next(Participant)
                    enrolled = at(starts - timedelta(days=rng.uniform(10, 50)), rng.uniform(8, 18))
                    state = rng.choice(["applied", "waitlisted", "approved"]) if employee_id in waiting else "matched"
                    decided = None if state == "applied" else enrolled + timedelta(days=2)
                    capacity = 2 if role == "mentor" else None
                    participants.append((pk, org.pk, program.pk, employee_id, role, state, {}, capacity, decided,
                                         enrolled, enrolled))  # fmt: skip
            for index in range(count):
                match_id = ids.next(Match)
                started = at(starts + timedelta(days=rng.uniform(0, 21)), rng.uniform(8, 18))
                state, ended = "active", None
                if status == "closed":
                    state, ended = "completed", at(program.ends_on + timedelta(days=1), 2.25)
                    if rng.random() < 0.12:
                        state, ended = "ended", started + timedelta(days=rng.uniform(30, 150))
                elif rng.random() < 0.07:
                    state, ended = "ended", started + timedelta(days=rng.uniform(20, (today - starts).days - 5))
                reason = "Our calendars never lined up." if state == "ended" else ""
                matches.append((match_id, org.pk, program.pk, "circle" if kind == "group" else "pair", state, 0.7,
                                [], False, started - timedelta(days=3), started, ended, reason,
                                started - timedelta(days=6), ended or started))  # fmt: skip
                lead = leads[index if kind == "group" else index // 2]
                people = [("facilitator" if kind == "group" else "mentor", part_of["mentor", lead], lead)]
                people += [("member" if kind == "group" else "mentee", part_of["mentee", follower], follower)
                           for follower in followers[index * size : (index + 1) * size]]  # fmt: skip
                for role, participant_id, _employee in people:
                    members.append((ids.next(MatchMember), org.pk, program.pk, match_id, participant_id, role,
                                    state == "active", "accepted", started, ""))  # fmt: skip
                self.plans.append(Plan(match_id, program, started, ended, state, [e for *_, e in people]))
        copy(Participant, "id organization_id program_id employee_id role status answers capacity decided_at "
                          "created_at updated_at", participants)  # fmt: skip
        copy(Match, "id organization_id program_id kind status score explanation pinned approved_at started_at "
                    "ended_at end_reason created_at updated_at", matches)  # fmt: skip
        copy(MatchMember, "id organization_id program_id match_id participant_id role current response "
                          "responded_at decline_reason", members)  # fmt: skip
        self.counts.update(participants=len(participants), matches=len(matches), members=len(members))

    def sessions(self) -> None:
        """A million sessions over the matches' lives (about one every two days), ratings on about half."""
        from sessions.models import MentoringSession, SessionFeedback

        rng, now, org, ids = self.rng, self.now, self.org, self.ids
        lives = [((plan.ended or now) - plan.started).total_seconds() for plan in self.plans]
        per_second = SESSIONS / sum(lives)
        feedback = []

        def rows():
            for plan, life in zip(self.plans, lives, strict=True):
                count = max(1, round(life * per_second))
                step = life / (count + 1)
                for n in range(count):
                    moment = plan.started + timedelta(seconds=step * (n + 1) + rng.uniform(-step / 3, step / 3))
                    moment = moment.replace(minute=0, second=0, microsecond=0)
                    roll = rng.random()
                    status = "held" if roll < 0.8 else "cancelled" if roll < 0.92 else "missed"
                    status = "scheduled" if moment > now else status
                    pk = ids.next(MentoringSession)
                    if status == "held" and rng.random() < 0.45:
                        rated = moment + timedelta(hours=2)
                        for author in plan.people[: 1 if rng.random() < 0.7 else 2]:
                            feedback.append((ids.next(SessionFeedback), org.pk, pk, author,
                                             rng.choice([3, 4, 4, 5, 5, 5]), [], "", rated, rated))  # fmt: skip
                    logged = None if status == "scheduled" else moment + timedelta(hours=1)
                    reason = "Clash with a customer call." if status == "cancelled" else ""
                    yield (pk, org.pk, plan.program.pk, plan.match_id, moment, 45, "UTC", "video", "", "", status,
                           "", reason, 0, logged, moment - timedelta(days=5), logged or moment)  # fmt: skip

        made = copy(MentoringSession, "id organization_id program_id match_id starts_at duration_minutes time_zone "
                    "format location agenda status shared_notes cancel_reason sequence logged_at created_at "
                    "updated_at", rows())  # fmt: skip
        copy(SessionFeedback, "id organization_id session_id author_id rating topics reflection created_at "
                              "updated_at", feedback)  # fmt: skip
        self.counts.update(sessions=made, feedback=len(feedback))

    def goals_and_nudges(self) -> None:
        from sessions.models import Goal, Milestone, Reminder

        rng, now, org, ids = self.rng, self.now, self.org, self.ids
        goals, milestones, reminders = [], [], []
        for plan in self.plans:
            for n in range(2):
                goal_id = ids.next(Goal)
                created = plan.started + timedelta(days=7 + n)
                done = rng.random() < (0.7 if plan.status == "completed" else 0.35)
                finished = min(created + timedelta(days=rng.uniform(30, 150)), now - timedelta(days=1))
                finished = finished if done else None
                goals.append((goal_id, org.pk, plan.program.pk, plan.match_id, f"Goal {n + 1}", "",
                              created.date() + timedelta(days=120), "done" if done else "on_track", finished,
                              created, finished or created))  # fmt: skip
                for m in range(3):
                    due = created.date() + timedelta(days=40 * (m + 1))
                    milestones.append(
                        (ids.next(Milestone), org.pk, goal_id, f"Step {m + 1}", due, finished, m, created)
                    )
            if rng.random() < 0.06:  # went quiet for a while: both were nudged
                due = plan.started + timedelta(days=rng.uniform(40, 120))
                slot = f"{due:%Y%m%dT%H%M%SZ}#1"
                for person in plan.people:
                    key = f"inactivity_nudge:x{plan.match_id}:e{person}:{slot}"
                    reminders.append((ids.next(Reminder), org.pk, "inactivity_nudge", person, plan.match_id, slot,
                                      key, due, "sent", 1, due, True, "", due))  # fmt: skip
        copy(Goal, "id organization_id program_id match_id title description due_on status completed_at created_at "
                   "updated_at", goals)  # fmt: skip
        copy(Milestone, "id organization_id goal_id title due_on done_at position created_at", milestones)
        copy(Reminder, "id organization_id kind recipient_id match_id slot key due_at status attempts sent_at emailed "
                       "note created_at", reminders)  # fmt: skip
        self.counts.update(goals=len(goals), milestones=len(milestones))

    def surveys(self) -> None:
        """Check-ins every 30 days of each match (80 % answered) and the closing survey at its end (75 %)."""
        from analytics.models import SurveyAssignment, SurveyQuestion, SurveyResponse
        from analytics.question_sets import CHECKIN, CLOSING, IMPACT_CODES
        from analytics.services.surveys import survey_for

        rng, now, org, ids = self.rng, self.now, self.org, self.ids
        questions = {}
        for program in {plan.program.pk: plan.program for plan in self.plans}.values():
            for kind in (CHECKIN, CLOSING):
                survey = survey_for(organization=org, program=program, kind=kind)
                codes = dict(SurveyQuestion.objects.filter(survey=survey).values_list("code", "pk"))
                questions[program.pk, kind] = (survey.pk, {code: str(pk) for code, pk in codes.items()})
        assignments, responses = [], []

        def ask(plan: Plan, kind: str, round_: int, due: datetime, share: float) -> None:
            survey_id, codes = questions[plan.program.pk, kind]
            for person in plan.people:
                pk = ids.next(SurveyAssignment)
                answered = due + timedelta(days=rng.uniform(0.1, 10)) if rng.random() < share else None
                answered = answered if answered and answered < now else None
                closed = due + timedelta(days=30) <= now or (round_ and plan.ended is not None)
                status = "answered" if answered else "expired" if closed else "open"
                assignments.append((pk, org.pk, survey_id, plan.program.pk, plan.match_id, person, round_, due, status,
                                    answered, due))  # fmt: skip
                if not answered:
                    continue
                if kind == CHECKIN:
                    answers = {codes["going_well"]: rng.choices([2, 3, 4, 5], weights=[4, 14, 40, 42])[0]}
                else:
                    answers = {codes[code]: rng.choice([3, 4, 4, 5, 5]) for code in IMPACT_CODES}
                    answers[codes["recommend"]] = rng.choice([6, 7, 8, 9, 9, 10, 10])
                responses.append((ids.next(SurveyResponse), org.pk, pk, survey_id, plan.program.pk, answers, answered))

        for plan in self.plans:
            end = min(plan.ended or now, now)
            round_ = 1
            while (due := plan.started + timedelta(days=30 * round_)) < end:
                ask(plan, CHECKIN, round_, due, 0.8)
                round_ += 1
            if plan.ended is not None:
                ask(plan, CLOSING, 0, plan.ended, 0.75)
        copy(SurveyAssignment, "id organization_id survey_id program_id match_id respondent_id round due_at status "
                               "answered_at created_at", assignments)  # fmt: skip
        copy(SurveyResponse, "id organization_id assignment_id survey_id program_id answers submitted_at", responses)
        self.counts.update(assignments=len(assignments), responses=len(responses))

    def self_identification(self) -> None:
        from analytics.demographics import ATTRIBUTES
        from analytics.models import SelfIdentification

        rng, org, ids = self.rng, self.org, self.ids
        rows = [
            (ids.next(SelfIdentification), org.pk, employee[0], attribute.code, rng.choice(attribute.values), self.now)
            for employee in self.employees
            if rng.random() < 0.6
            for attribute in ATTRIBUTES
            if rng.random() < 0.75
        ]
        copy(SelfIdentification, "id organization_id employee_id attribute value updated_at", rows)
        self.counts["self-identification answers"] = len(rows)


def seed(rng: random.Random, now: datetime) -> tuple:
    """The organization, its HR admin and everything the roll-up and the reports read."""
    from analytics.models import SelfIdentification, SurveyAssignment, SurveyResponse
    from matching.models import Match, MatchMember
    from mentorhub.accounts.models import Employee, EmploymentEvent, Membership, Organization, Role, User
    from programs.models import Participant
    from sessions.models import Goal, MentoringSession, Milestone, Reminder, SessionFeedback

    seeder = Seeder(rng=rng, now=now)
    seeder.org = org = Organization.objects.create(name="Bench Corp", slug="bench")
    seeder.roster()
    seeder.programs()
    seeder.sessions()
    seeder.goals_and_nudges()
    seeder.surveys()
    seeder.self_identification()
    reset_sequences([Employee, EmploymentEvent, Participant, Match, MatchMember, MentoringSession, SessionFeedback,
                     Goal, Milestone, Reminder, SurveyAssignment, SurveyResponse, SelfIdentification])  # fmt: skip
    user = User.objects.create_user("admin@bench.example", "bench-password-123", name="Bench Admin")
    employee = Employee.objects.create(
        organization=org, employee_id="ADMIN", email="admin@bench.example", name="Bench Admin",
        department="People", job_level=6, hired_on=date(2018, 1, 8),
    )  # fmt: skip
    Membership.objects.create(organization=org, user=user, role=Role.ADMIN, employee=employee)
    reader = User.objects.create_user("stakeholder@bench.example", "bench-password-123", name="Bench Stakeholder")
    Membership.objects.create(organization=org, user=reader, role=Role.STAKEHOLDER)
    return org, user, reader, seeder.counts
