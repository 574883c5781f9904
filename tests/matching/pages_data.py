"""Data for the matching page tests: a program with two weighted questions, approved mentors and mentees
with answers, and (written directly, so a page test does not depend on the engine's exact numbers) a
finished run with proposed matches. Tests that need the real engine start runs through the services."""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.models import Match, MatchMember, MatchRun
from programs.models import Participant, Program, Question
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

GOALS = ["Leadership", "Confidence", "Networking"]
FORMATS = ["Video call", "In person"]
EXPLANATION = [
    {"label": "Goals: both want Leadership", "contribution": 0.42},
    {"label": "Preferred meeting format: both Video call", "contribution": 0.2},
    {"label": "Mentor more senior", "contribution": 0.1},
]


@dataclass
class Cohort:
    program: Program
    goals: Question
    meeting: Question
    mentors: list[Participant] = field(default_factory=list)
    mentees: list[Participant] = field(default_factory=list)


def make_program(org, *, status=Program.Status.MATCHING, match_mode=Program.MatchMode.ADMIN, **extra) -> Cohort:
    program = ProgramFactory(
        organization=org,
        name=extra.pop("name", "Grow Together"),
        status=status,
        match_mode=match_mode,
        default_mentor_capacity=2,
        max_mentor_capacity=5,
        **extra,
    )
    goals = QuestionFactory(
        program=program,
        prompt="What are your goals?",
        type=Question.Type.MULTIPLE,
        options=GOALS,
        rule=Question.Rule.OVERLAP,
        weight=4,
        position=0,
    )
    meeting = QuestionFactory(
        program=program,
        prompt="Preferred meeting format",
        type=Question.Type.SINGLE,
        options=FORMATS,
        rule=Question.Rule.SAME,
        weight=2,
        position=1,
    )
    return Cohort(program=program, goals=goals, meeting=meeting)


def enroll(cohort: Cohort, role: str, *, name: str, level: int, goals=("Leadership",), meeting="Video call", **kw):
    employee = kw.pop("employee", None) or EmployeeFactory(
        organization=cohort.program.organization, name=name, job_level=level, department=kw.pop("department", "Sales")
    )
    participant = ParticipantFactory(
        program=cohort.program,
        employee=employee,
        role=role,
        status=kw.pop("status", Participant.Status.APPROVED),
        capacity=kw.pop("capacity", 2 if role == Participant.Role.MENTOR else None),
        answers={str(cohort.goals.pk): list(goals), str(cohort.meeting.pk): meeting},
    )
    (cohort.mentors if role == Participant.Role.MENTOR else cohort.mentees).append(participant)
    return participant


def make_cohort(org, *, mentors: int = 2, mentees: int = 3, **program_kw) -> Cohort:
    cohort = make_program(org, **program_kw)
    for i in range(mentors):
        enroll(cohort, Participant.Role.MENTOR, name=f"Mentor {chr(65 + i)}", level=7)
    for i in range(mentees):
        enroll(cohort, Participant.Role.MENTEE, name=f"Mentee {chr(65 + i)}", level=2)
    return cohort


def make_run(cohort: Cohort, *, status=MatchRun.Status.DONE, unmatched=(), **fields) -> MatchRun:
    figures = {
        "matched": 2,
        "unmatched_count": len(unmatched),
        "unmatched": [
            {"participant_id": p.pk, "code": "no_room", "reason": "Every allowed mentor is full."} for p in unmatched
        ],
        "mean_score": 0.71,
        "histogram": {"edges": [round(i / 10, 1) for i in range(11)], "counts": [0, 0, 0, 0, 0, 0, 1, 0, 1, 0]},
        "duration_s": 0.42,
    }
    figures.update(fields.pop("figures", {}))
    return MatchRun.objects.create(
        organization=cohort.program.organization,
        program=cohort.program,
        status=status,
        progress=100 if status == MatchRun.Status.DONE else fields.pop("progress", 0),
        figures=figures if status == MatchRun.Status.DONE else {},
        **fields,
    )


def make_match(
    cohort: Cohort, run: MatchRun | None, mentor: Participant, mentees: list[Participant], *, score=0.72, **fields
) -> Match:
    status = fields.pop("status", Match.Status.PROPOSED)
    match = Match.objects.create(
        organization=cohort.program.organization,
        program=cohort.program,
        run=run,
        kind=Match.Kind.PAIR,
        status=status,
        score=score,
        explanation=fields.pop("explanation", EXPLANATION),
        **fields,
    )
    current = status in Match.CURRENT_STATUSES
    for participant, role in [(mentor, MatchMember.Role.MENTOR), *[(m, MatchMember.Role.MENTEE) for m in mentees]]:
        MatchMember.objects.create(
            organization=match.organization,
            program=match.program,
            match=match,
            participant=participant,
            role=role,
            current=current,
        )
    return match
