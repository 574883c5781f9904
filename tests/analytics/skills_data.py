"""Hand-built skills data for the skills-gap and skills-growth tests (and the browser test): a program enrolling
with a catalogue question (mentor offers / mentee wants), mentees and mentors spread over departments."""

from __future__ import annotations

from programs.models import Participant, Program, Question, Skill
from programs.services.skills import skills_ensure_starter
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory


def skills_program(org, *, status: str = Program.Status.ENROLLING) -> tuple[Program, Question]:
    skills_ensure_starter(organization=org)
    program = ProgramFactory(organization=org, status=status, name="Future skills", default_mentor_capacity=1)
    question = QuestionFactory(
        program=program,
        prompt="Skills you want to learn",
        mentor_prompt="Skills you can offer",
        type=Question.Type.MULTIPLE,
        option_source=Question.OptionSource.SKILLS,
        options=list(Skill.objects.filter(organization=org).values_list("name", flat=True)),
        audience=Question.Audience.BOTH,
        rule=Question.Rule.OFFERS_WANTS,
        weight=5,
    )
    return program, question


def enroll(program, question, *, role: str, skills: list[str], department: str, location: str = "London", **extra):
    employee = EmployeeFactory(organization=program.organization, department=department, location=location)
    return ParticipantFactory(
        program=program,
        employee=employee,
        role=role,
        status=Participant.Status.APPROVED,
        answers={str(question.pk): skills},
        **extra,
    )


def gap_world(org) -> tuple[Program, Question]:
    """AI and data: 17 mentees want it (Sales 10, Finance 5, Legal 2), 5 mentors in Engineering offer one place
    each. Leadership: 3 mentees want it, no mentor offers it. Communication: 6 mentees, 6 mentors x 2 places."""
    program, question = skills_program(org)
    for department, n in (("Sales", 10), ("Finance", 5), ("Legal", 2)):
        for _ in range(n):
            enroll(program, question, role="mentee", skills=["AI and data"], department=department)
    for _ in range(5):
        enroll(program, question, role="mentor", skills=["AI and data"], department="Engineering", capacity=1)
    for _ in range(3):
        enroll(program, question, role="mentee", skills=["Leadership"], department="Sales", location="Berlin")
    for _ in range(6):
        enroll(program, question, role="mentee", skills=["Communication"], department="Finance", location="Berlin")
    for _ in range(6):
        enroll(program, question, role="mentor", skills=["Communication"], department="Sales", capacity=2)
    return program, question
