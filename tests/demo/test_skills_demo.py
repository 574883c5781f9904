"""seed_demo's skills: Acme's catalogue, a program whose enrollment form takes its skills from it, a visible gap
in AI and data on the skills-gap map, and skills growth in the impact report; safe to run twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from analytics.reports.impact import ImpactFilters, build_impact_report
from analytics.reports.skills_gap import GapFilters, skills_gap
from mentorhub.accounts.models import Organization
from programs.answers import answers_clean
from programs.models import Participant, Question, Skill, SkillRating


@pytest.mark.django_db
def test_seed_demo_skills():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Skill.objects.count(), Participant.objects.count(), SkillRating.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Skill.objects.count(), Participant.objects.count(), SkillRating.objects.count()) == counts

    acme = Organization.objects.get(slug="acme")
    assert {"AI and data", "Leadership", "Sustainability", "Digital tools", "Communication"} <= set(
        Skill.objects.filter(organization=acme).values_list("name", flat=True)
    )
    question = Question.objects.get(program__name="Future Skills Mentoring", option_source="skills")
    assert "AI and data" in question.options
    for participant in Participant.objects.filter(program=question.program):
        answers_clean(questions=[question], role=participant.role, answers=participant.answers)

    rows = {row.name: row for row in skills_gap(organization=acme, filters=GapFilters()).rows}
    ai = rows["AI and data"]
    assert ai.sentence() == "14 mentees want AI and data; 5 mentor places offer it."
    assert ai.gap and ai.unmet == 9
    assert skills_gap(organization=acme, filters=GapFilters()).gaps[0].name == "AI and data"

    growth = build_impact_report(organization=acme, filters=ImpactFilters())
    assert growth.skills_overall is not None and growth.skills_overall.shown
    assert growth.skills_overall.value[0] > 0  # the demo's mentees rate themselves higher at the close
    assert any(g.change.shown for g in growth.skills)
