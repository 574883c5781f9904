"""The mentoring record's skills section (analytics/record_skills.py, registered in analytics/apps.py): the
participant's own ratings, enrollment to close, never another person's."""

from __future__ import annotations

import pytest

from programs.models import Skill, SkillRating
from sessions.extensions import record_sections
from tests.analytics.skills_data import enroll, skills_program

pytestmark = pytest.mark.django_db


def _rate(participant, skill: str, moment: str, level: int) -> None:
    SkillRating.objects.create(
        organization=participant.program.organization,
        participant=participant,
        skill=Skill.objects.get(organization=participant.program.organization, name=skill),
        moment=moment,
        level=level,
    )


def test_the_record_shows_the_person_s_own_ratings_and_their_change(org):
    program, question = skills_program(org)
    mentee = enroll(program, question, role="mentee", skills=["AI and data", "Leadership"], department="Sales")
    other = enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    _rate(mentee, "AI and data", SkillRating.Moment.ENROLLMENT, 2)
    _rate(mentee, "AI and data", SkillRating.Moment.CLOSING, 4)
    _rate(mentee, "Leadership", SkillRating.Moment.ENROLLMENT, 3)
    _rate(other, "AI and data", SkillRating.Moment.ENROLLMENT, 1)

    sections = [s for s in record_sections(org, mentee.employee) if s.title == "Skills self-ratings"]
    assert len(sections) == 1
    rows = {row.label: row.value for row in sections[0].rows}
    assert rows == {
        "AI and data (Future skills)": "2 → 4 (+2)",
        "Leadership (Future skills)": "3 (at enrollment)",
    }
    others = [s for s in record_sections(org, other.employee) if s.title == "Skills self-ratings"]
    assert [row.value for row in others[0].rows] == ["1 (at enrollment)"]


def test_no_ratings_no_section(org, other_org):
    program, question = skills_program(org)
    mentee = enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    assert [s for s in record_sections(org, mentee.employee) if s.title == "Skills self-ratings"] == []
    # Another organization asking about this person finds nothing of theirs.
    assert [s for s in record_sections(other_org, mentee.employee) if s.title == "Skills self-ratings"] == []
