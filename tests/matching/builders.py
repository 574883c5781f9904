"""Cohorts for the matching tests, one copy for every module: a program with its enrollment questions and its
approved mentors and mentees, built two ways.

- `engine_cohort` / `standard_cohort`: three questions (skills offered/wanted, meeting format, a `must` on
  language), for the tests that run the real engine (runs, review, responses, mentee choice, the API);
  `run_now` starts and executes a run as production does.
- `page_cohort`: two weighted questions (goals, meeting format), for the page tests, which write a finished
  run and its proposed matches directly (`make_run`, `make_match`) so that a page test does not depend on the
  engine's exact numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matching.models import Match, MatchMember, MatchRun
from matching.services.runs import match_run_start
from programs.models import Participant, Program, Question
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

from .factories import MatchFactory, MatchMemberFactory, MatchRunFactory

MENTOR = Participant.Role.MENTOR

GOALS = ["Leadership", "Confidence", "Networking"]
FORMATS = ["Video call", "In person"]
EXPLANATION = [
    {"label": "Goals: both want Leadership", "contribution": 0.42},
    {"label": "Preferred meeting format: both Video call", "contribution": 0.2},
    {"label": "Mentor more senior", "contribution": 0.1},
]


@dataclass
class Cohort:
    """A program, its questions by short name, and the people `add` enrolled (approved unless told).
    `me` is the signed-in member's own enrollment and `run` a run of it, where a test sets them."""

    program: Program
    questions: dict[str, Question]
    default_answers: dict[str, Any]
    department: str
    mentor_capacity: int
    mentors: list[Participant] = field(default_factory=list)
    mentees: list[Participant] = field(default_factory=list)
    me: Participant | None = None
    run: MatchRun | None = None

    def key(self, question: str) -> str:
        """The key of a question in answers and weights: its id, as text."""
        return str(self.questions[question].pk)

    def add(
        self,
        role: str,
        *,
        name: str = "",
        level: int | None = None,
        department: str = "",
        capacity: int | None = None,
        status: str = Participant.Status.APPROVED,
        email: str = "",
        manager: Any = None,
        employee: Any = None,
        **answers: Any,
    ) -> Participant:
        """Enroll a new employee (or `employee`) as mentor or mentee; `answers` by question short name,
        the cohort's defaults for those not given."""
        if employee is None:
            fields: dict[str, Any] = {
                "organization": self.program.organization,
                "department": department or self.department,
                "job_level": level if level is not None else (6 if role == MENTOR else 2),
                "manager": manager,
            }
            if name:
                fields["name"] = name
            if email:
                fields["email"] = email
            employee = EmployeeFactory(**fields)
        given = {**self.default_answers, **answers}
        participant = ParticipantFactory(
            program=self.program,
            employee=employee,
            role=role,
            status=status,
            capacity=capacity if capacity is not None else (self.mentor_capacity if role == MENTOR else None),
            answers={self.key(q): _answer(given[q]) for q in self.questions if q in given},
        )
        (self.mentors if role == MENTOR else self.mentees).append(participant)
        return participant

    def person(self, name: str) -> Participant:
        """The mentor or mentee of this name."""
        return next(p for p in self.mentors + self.mentees if p.employee.name == name)


def _answer(value: Any) -> Any:
    return list(value) if isinstance(value, tuple | list) else value


# --- Cohorts for the engine -----------------------------------------------------------------------------


def engine_cohort(organization, *, kind: str = Program.Kind.ONE_ON_ONE, **program_fields) -> Cohort:
    """A program in matching with skills (offers/wants; overlap for circles), meeting format and a `must` on
    language; nobody enrolled yet. Mentors default to capacity 1, answers to a video call in English."""
    program = ProgramFactory(
        organization=organization,
        kind=kind,
        status=Program.Status.MATCHING,
        default_mentor_capacity=program_fields.pop("default_mentor_capacity", 1),
        max_mentor_capacity=program_fields.pop("max_mentor_capacity", 8),
        **program_fields,
    )
    skills = QuestionFactory(
        program=program,
        prompt="Which skills do you want to learn?",
        mentor_prompt="Which skills can you offer?",
        type=Question.Type.TAGS,
        options=["Python", "Leadership", "Negotiation", "Excel"],
        rule=Question.Rule.OVERLAP if kind == Program.Kind.GROUP else Question.Rule.OFFERS_WANTS,
        weight=5,
        position=0,
    )
    fmt = QuestionFactory(
        program=program,
        prompt="Preferred meeting format",
        type=Question.Type.SINGLE,
        options=FORMATS,
        rule=Question.Rule.SAME,
        weight=2,
        position=1,
    )
    languages = QuestionFactory(
        program=program,
        prompt="Languages you are comfortable in",
        type=Question.Type.MULTIPLE,
        options=["English", "German", "Japanese"],
        rule=Question.Rule.MUST,
        weight=0,
        position=2,
    )
    return Cohort(
        program=program,
        questions={"skills": skills, "format": fmt, "languages": languages},
        default_answers={"format": "Video call", "languages": ["English"]},
        department="Engineering",
        mentor_capacity=1,
    )


def standard_cohort(organization, **program_fields) -> Cohort:
    """Three mentors (capacity 1, 1, 2) and four mentees, each mentee with a clear best mentor."""
    cohort = engine_cohort(organization, **program_fields)
    cohort.add("mentor", skills=["Python"], name="Mia Python")
    cohort.add("mentor", skills=["Leadership"], name="Leo Leader")
    cohort.add("mentor", skills=["Negotiation", "Excel"], capacity=2, name="Nora Negotiator")
    cohort.add("mentee", skills=["Python"], name="Paul Wants-Python")
    cohort.add("mentee", skills=["Leadership"], name="Lara Wants-Leadership")
    cohort.add("mentee", skills=["Negotiation"], name="Ned Wants-Negotiation")
    cohort.add("mentee", skills=["Excel"], name="Eva Wants-Excel")
    return cohort


def run_now(organization, actor, program: Program, capture, **kwargs) -> MatchRun:
    """Start a run and execute it the way production does (task sent on commit; eager here)."""
    with capture(execute=True):
        run = match_run_start(organization=organization, actor=actor, program_id=program.pk, **kwargs)
    run.refresh_from_db()
    return run


def pairs_of(program: Program, *statuses: str) -> set[tuple[int, int]]:
    """{(mentor participant id, mentee participant id)} of the program's current matches in these statuses."""
    statuses = statuses or (Match.Status.PROPOSED,)
    members = MatchMember.objects.filter(program=program, current=True, match__status__in=statuses)
    by_match: dict[int, dict[str, int]] = {}
    for match_id, role, participant_id in members.values_list("match_id", "role", "participant_id"):
        by_match.setdefault(match_id, {})[role] = participant_id
    return {(m["mentor"], m["mentee"]) for m in by_match.values() if "mentor" in m and "mentee" in m}


def current_match_of(participant: Participant) -> Match:
    """The match this participant is a current member of."""
    return Match.objects.get(members__participant=participant, members__current=True)


# --- Cohorts for the pages ------------------------------------------------------------------------------


def page_cohort(
    organization,
    *,
    mentors: int = 2,
    mentees: int = 3,
    status: str = Program.Status.MATCHING,
    match_mode: str = Program.MatchMode.ADMIN,
    **extra,
) -> Cohort:
    """ "Grow Together" (unless named) with weighted goals (4) and meeting format (2) questions, `mentors`
    Mentor A, B.. (level 7, capacity 2) and `mentees` Mentee A, B.. (level 2), all in Sales."""
    program = ProgramFactory(
        organization=organization,
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
    cohort = Cohort(
        program=program,
        questions={"goals": goals, "meeting": meeting},
        default_answers={"goals": ["Leadership"], "meeting": "Video call"},
        department="Sales",
        mentor_capacity=2,
    )
    for i in range(mentors):
        cohort.add(Participant.Role.MENTOR, name=f"Mentor {chr(65 + i)}", level=7)
    for i in range(mentees):
        cohort.add(Participant.Role.MENTEE, name=f"Mentee {chr(65 + i)}", level=2)
    return cohort


def make_run(cohort: Cohort, *, status=MatchRun.Status.DONE, unmatched=(), **fields) -> MatchRun:
    """A run of the cohort's program, written directly; done (the default), with figures: two matched,
    `unmatched` left out for want of room."""
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
    return MatchRunFactory(
        program=cohort.program,
        status=status,
        progress=100 if status == MatchRun.Status.DONE else fields.pop("progress", 0),
        figures=figures if status == MatchRun.Status.DONE else {},
        **fields,
    )


def make_match(
    cohort: Cohort, run: MatchRun | None, mentor: Participant, mentees: list[Participant], *, score=0.72, **fields
) -> Match:
    """A pair (proposed unless told) of `run`, written directly, with its members (current while the match is)."""
    match = MatchFactory(
        program=cohort.program,
        run=run,
        kind=Match.Kind.PAIR,
        status=fields.pop("status", Match.Status.PROPOSED),
        score=score,
        explanation=fields.pop("explanation", EXPLANATION),
        **fields,
    )
    current = match.status in Match.CURRENT_STATUSES
    for participant, role in [(mentor, MatchMember.Role.MENTOR), *[(m, MatchMember.Role.MENTEE) for m in mentees]]:
        MatchMemberFactory(match=match, participant=participant, role=role, current=current)
    return match
