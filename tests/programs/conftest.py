"""Fixtures of the programs tests. A module that needs a program of its own defines `program` itself."""

from __future__ import annotations

import pytest

from .factories import ProgramFactory, QuestionFactory


@pytest.fixture
def program(org):
    program = ProgramFactory(organization=org, name="Grow Together", max_mentor_capacity=3)
    program.skills = QuestionFactory(
        program=program,
        prompt="Skills to learn?",
        mentor_prompt="Skills to offer?",
        type="tags",
        options=["Python"],
        rule="offers_wants",
        weight=5,
        required=True,
        position=0,
    )
    program.format = QuestionFactory(program=program, prompt="Format?", options=["Video call", "In person"], position=1)
    return program
