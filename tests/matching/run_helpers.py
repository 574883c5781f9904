"""Small cohorts for the run, review, response and choice tests: a program with three questions (skills
offered/wanted, meeting format, a `must` on language) and approved mentors and mentees."""

from __future__ import annotations

from dataclasses import dataclass, field

from matching import services
from matching.models import Match, MatchMember, MatchRun
from programs.models import Participant, Program, Question
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory


@dataclass
class Cohort:
    program: Program
    skills: Question
    format: Question
    language: Question
    mentors: list[Participant] = field(default_factory=list)
    mentees: list[Participant] = field(default_factory=list)

    def add(
        self,
        role: str,
        *,
        skills: list[str],
        fmt: str = "Video call",
        languages: list[str] | None = None,
        capacity: int | None = None,
        level: int | None = None,
        department: str = "Engineering",
        name: str = "",
        status: str = Participant.Status.APPROVED,
        email: str = "",
        manager=None,
    ) -> Participant:
        organization = self.program.organization
        employee_kwargs = {"organization": organization, "department": department, "manager": manager}
        employee_kwargs["job_level"] = level if level is not None else (6 if role == "mentor" else 2)
        if name:
            employee_kwargs["name"] = name
        if email:
            employee_kwargs["email"] = email
        participant = ParticipantFactory(
            program=self.program,
            employee=EmployeeFactory(**employee_kwargs),
            role=role,
            status=status,
            capacity=(capacity or 1) if role == "mentor" else None,
            answers={
                str(self.skills.pk): skills,
                str(self.format.pk): fmt,
                str(self.language.pk): languages or ["English"],
            },
        )
        (self.mentors if role == "mentor" else self.mentees).append(participant)
        return participant


def make_cohort(organization, *, kind: str = Program.Kind.ONE_ON_ONE, **program_fields) -> Cohort:
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
        options=["Video call", "In person"],
        rule=Question.Rule.SAME,
        weight=2,
        position=1,
    )
    language = QuestionFactory(
        program=program,
        prompt="Languages you are comfortable in",
        type=Question.Type.MULTIPLE,
        options=["English", "German", "Japanese"],
        rule=Question.Rule.MUST,
        weight=0,
        position=2,
    )
    return Cohort(program=program, skills=skills, format=fmt, language=language)


def standard_cohort(organization, **program_fields) -> Cohort:
    """Three mentors (capacity 1, 1, 2) and four mentees, each mentee with a clear best mentor."""
    cohort = make_cohort(organization, **program_fields)
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
        run = services.match_run_start(organization=organization, actor=actor, program_id=program.pk, **kwargs)
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
