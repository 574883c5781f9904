"""A mentee's own skill ratings (1 = beginner, 5 = expert): asked right after enrolling for the skills they want,
asked again after the closing survey, stored per participant, skill and moment; nobody else's page is theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import Participant, Question, Skill, SkillRating
from programs.services.skill_ratings import skill_ratings_save
from programs.services.skills import skills_ensure_starter
from tests.analytics.skills_data import enroll, skills_program
from tests.analytics.survey_data import assignment_of, by_code, pair_complete, pair_started, plan
from tests.helpers import org_url, page_text

pytestmark = pytest.mark.django_db


def test_enrolling_mentee_is_asked_to_rate_the_skills_they_want(member_client, member, org):
    program, question = skills_program(org)
    url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
    response = member_client.post(url, {f"q_{question.pk}": ["AI and data", "Leadership"]})
    participant = Participant.objects.get(program=program, employee=member.employee)
    ratings_url = org_url("skill-ratings", org, participant_pk=participant.pk)
    assert response.status_code == 302 and response["Location"] == ratings_url
    page = page_text(member_client.get(ratings_url))
    assert "Your level in AI and data" in page and "Your level in Leadership" in page
    assert "Your level in Communication" not in page  # not asked for
    assert "1 = beginner" in page and "5 = expert" in page
    ai = Skill.objects.get(organization=org, name="AI and data")
    leadership = Skill.objects.get(organization=org, name="Leadership")
    saved = member_client.post(ratings_url, {f"skill_{ai.pk}": "2", f"skill_{leadership.pk}": "4"})
    assert saved.status_code == 302
    stored = set(SkillRating.objects.filter(participant=participant).values_list("skill__name", "moment", "level"))
    assert stored == {("AI and data", "enrollment", 2), ("Leadership", "enrollment", 4)}
    # Changing one's mind updates the same rows; a blank removes that rating.
    member_client.post(ratings_url, {f"skill_{ai.pk}": "3"})
    stored = set(SkillRating.objects.filter(participant=participant).values_list("skill__name", "level"))
    assert stored == {("AI and data", 3)}
    bad = member_client.post(ratings_url, {f"skill_{ai.pk}": "7"})
    assert bad.status_code == 400
    assert SkillRating.objects.get(participant=participant).level == 3


def test_a_mentor_is_not_asked(member_client, member, org):
    program, question = skills_program(org)
    url = org_url("program-enroll", org, program_pk=program.pk, role="mentor")
    response = member_client.post(url, {f"q_{question.pk}": ["AI and data"], "capacity": "1"})
    assert response.status_code == 302 and response["Location"] == org_url("my-programs", org)


def test_closing_ratings_open_once_the_mentoring_is_under_way(member_client, member, org):
    program, question = skills_program(org)
    participant = enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    Participant.objects.filter(pk=participant.pk).update(employee=member.employee)
    ai = Skill.objects.get(organization=org, name="AI and data")
    url = org_url("skill-ratings", org, participant_pk=participant.pk, query={"moment": "closing"})
    assert member_client.get(url)["Location"] == org_url("my-programs", org)  # still enrolling
    with pytest.raises(ValidationError):
        skill_ratings_save(
            organization=org,
            employee=member.employee,
            participant_id=participant.pk,
            moment="closing",
            levels={ai.pk: 4},
        )
    program.status = "active"
    program.save()
    Participant.objects.filter(pk=participant.pk).update(status="matched")
    assert "Your skills now" in page_text(member_client.get(url))
    assert member_client.post(url, {f"skill_{ai.pk}": "4"}).status_code == 302
    assert SkillRating.objects.get(participant=participant, moment="closing").level == 4


def test_service_refuses_skills_not_wanted(org, member):
    program, question = skills_program(org)
    participant = enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    Participant.objects.filter(pk=participant.pk).update(employee=member.employee)
    other = Skill.objects.get(organization=org, name="Leadership")
    with pytest.raises(ValidationError) as refused:
        skill_ratings_save(
            organization=org,
            employee=member.employee,
            participant_id=participant.pk,
            moment="enrollment",
            levels={other.pk: 3},
        )
    assert "Not one of the skills you want." in refused.value.messages
    assert not SkillRating.objects.exists()


def test_nobody_else_opens_the_ratings(admin_client, stakeholder_client, outsider_client, member, org):
    program, question = skills_program(org)
    participant = enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    url = org_url("skill-ratings", org, participant_pk=participant.pk)
    assert admin_client.get(url).status_code == 404  # HR does not read a person's own ratings
    assert admin_client.post(url, {}).status_code == 404
    assert stakeholder_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404


def test_the_closing_survey_leads_a_mentee_to_rate_their_skills_again(org):
    skills_ensure_starter(organization=org)
    pair = pair_started(org, started_at=timezone.now() - timedelta(days=40))
    question = Question.objects.create(
        organization=org,
        program=pair.program,
        prompt="Skills you want to learn",
        type=Question.Type.MULTIPLE,
        option_source=Question.OptionSource.SKILLS,
        options=["AI and data", "Leadership"],
        rule=Question.Rule.OFFERS_WANTS,
        weight=5,
    )
    mentee = Participant.objects.get(program=pair.program, employee=pair.mentee.employee)
    mentee.answers = {str(question.pk): ["AI and data"]}
    mentee.save()
    pair_complete(org, pair)
    plan(org, timezone.now())
    client = pair.client(pair.mentee)
    closing = assignment_of(pair, pair.mentee)
    data = {f"q{pk}": "4" for code, pk in by_code(closing).items() if code != "closing_comment"}
    response = client.post(org_url("survey-answer", org, assignment_pk=closing.pk), data)
    expected = org_url("skill-ratings", org, participant_pk=mentee.pk, query={"moment": "closing"})
    assert response.status_code == 302 and response["Location"] == expected
    assert "Your level in AI and data" in page_text(client.get(expected))
    # The mentor's closing survey goes home as before: mentors rate nothing.
    mentor_closing = assignment_of(pair, pair.mentor)
    data = {f"q{pk}": "4" for code, pk in by_code(mentor_closing).items() if code != "closing_comment"}
    answered = pair.client(pair.mentor).post(org_url("survey-answer", org, assignment_pk=mentor_closing.pk), data)
    assert answered["Location"] == org_url("my-mentoring", org)
