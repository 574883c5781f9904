"""Surveys API: the caller's own assignments (filtered by state, with the questions), answering once with
errors per question, nobody else's assignments (404), stakeholders 403; admins' program surveys with
suppressed response rates, their own questions added and removed. No route returns answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.models import Survey, SurveyAssignment, SurveyQuestion, SurveyResponse
from analytics.services.survey_answers import survey_answer
from mentorhub.accounts.services.tokens import api_token_create
from tests.helpers import org_url

from .survey_data import answer, assignment_of, by_code, checkin_answers, pair_due_now, pair_started, plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
A = SurveyAssignment.Status


@pytest.fixture
def pair(org):
    return pair_due_now(org, name="Grow Together")


@pytest.fixture
def mine(pair):
    return assignment_of(pair, pair.mentee)


class TestMyAssignments:
    def test_lists_only_my_own_with_what_they_are_about(self, org, pair, mine):
        body = pair.client(pair.mentee).get(org_url("api-survey-assignment-list", org)).json()
        assert body["count"] == 1
        (item,) = body["results"]
        assert item["id"] == mine.pk and item["kind"] == "checkin" and item["round"] == 1
        assert item["program"] == {"id": pair.program.pk, "name": "Grow Together"}
        assert item["match"] == pair.match.pk and item["about"] == "Morgan Mentor"
        assert item["status"] == "open" and item["answered_at"] is None
        assert item["url"].endswith(reverse("survey-answer", kwargs={"org_slug": org.slug, "assignment_pk": mine.pk}))
        assert "questions" not in item and "answers" not in item

    def test_filters_by_state(self, org, pair, mine):
        client = pair.client(pair.mentee)
        listing = org_url("api-survey-assignment-list", org)
        assert [i["id"] for i in client.get(listing, {"status": "open"}).json()["results"]] == [mine.pk]
        answer(org, pair, pair.mentee)
        assert client.get(listing, {"status": "open"}).json()["count"] == 0
        answered = client.get(listing, {"status": "answered"}).json()["results"]
        assert [(i["id"], i["status"]) for i in answered] == [(mine.pk, "answered")]
        # The mentor's, past its time but not yet marked by the planner, counts as expired already.
        SurveyAssignment.objects.filter(respondent=pair.mentor.employee).update(
            due_at=timezone.now() - timedelta(days=31)
        )
        mentor = pair.client(pair.mentor)
        assert mentor.get(listing, {"status": "open"}).json()["count"] == 0
        assert [i["status"] for i in mentor.get(listing, {"status": "expired"}).json()["results"]] == ["expired"]

    def test_detail_has_the_questions_and_the_values_to_answer_with(self, org, pair, mine):
        body = pair.client(pair.mentee).get(org_url("api-survey-assignment-detail", org, assignment_pk=mine.pk)).json()
        ids = by_code(mine)
        questions = {q["id"]: q for q in body["questions"]}
        going = questions[ids["going_well"]]
        assert (going["prompt"], going["type"], going["required"], going["standard"]) == (
            "How is your mentoring going?",
            "scale",
            True,
            True,
        )
        assert going["choices"] == [
            {"value": 1, "label": "Poor"},
            {"value": 2, "label": "Fair"},
            {"value": 3, "label": "Okay"},
            {"value": 4, "label": "Good"},
            {"value": 5, "label": "Great"},
        ]
        assert questions[ids["checkin_comment"]]["choices"] == [] and not questions[ids["checkin_comment"]]["required"]

    def test_nobody_else_reads_or_answers_it(self, org, other_org, admin, admin_client, stakeholder_client, pair, mine):
        detail = org_url("api-survey-assignment-detail", org, assignment_pk=mine.pk)
        answer_url = org_url("api-survey-assignment-answer", org, assignment_pk=mine.pk)
        data = {"answers": checkin_answers(mine)}
        for client in (pair.client(pair.mentor), admin_client):
            assert client.get(detail).status_code == 404
            assert client.post(answer_url, data, content_type="application/json").status_code == 404
        assert admin_client.get(org_url("api-survey-assignment-list", org)).json()["count"] == 0
        assert stakeholder_client.get(org_url("api-survey-assignment-list", org)).status_code == 403
        _token, raw = api_token_create(organization=admin.organization, actor=admin.user, membership=admin, name="t")
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(detail).status_code == 404
        assert not SurveyResponse.objects.exists()

    def test_the_list_costs_the_same_for_many_assignments(self, org, pair, django_assert_max_num_queries):
        client = pair.client(pair.mentor)
        listing = org_url("api-survey-assignment-list", org)
        with django_assert_max_num_queries(8) as few:
            client.get(listing)
        for _ in range(4):
            pair_started(org, started_at=timezone.now() - timedelta(days=31), mentor=pair.mentor)
        plan(org, timezone.now())
        with django_assert_max_num_queries(len(few.captured_queries)):
            body = client.get(listing).json()
        assert body["count"] == 5


class TestAnswering:
    def test_answers_once_and_says_so_the_second_time(self, org, pair, mine):
        client = pair.client(pair.mentee)
        address = org_url("api-survey-assignment-answer", org, assignment_pk=mine.pk)
        ids = by_code(mine)
        first = client.post(address, {"answers": {ids["going_well"]: 3}}, content_type="application/json")
        assert first.status_code == 201
        assert first.json()["status"] == "answered" and first.json()["answered_at"]
        assert SurveyResponse.objects.get(assignment=mine).answers == {str(ids["going_well"]): 3}
        again = client.post(address, {"answers": {ids["going_well"]: 5}}, content_type="application/json")
        assert again.status_code == 400
        assert again.json() == {"non_field_errors": ["You have answered this survey already. Thank you!"]}
        assert SurveyResponse.objects.get(assignment=mine).answers == {str(ids["going_well"]): 3}

    def test_errors_per_question_come_under_answers(self, org, pair, mine):
        client = pair.client(pair.mentee)
        address = org_url("api-survey-assignment-answer", org, assignment_pk=mine.pk)
        ids = by_code(mine)
        missing = client.post(address, {"answers": {ids["checkin_comment"]: "Hi"}}, content_type="application/json")
        assert missing.status_code == 400
        assert missing.json() == {"answers": {str(ids["going_well"]): ["Choose an answer from 1 (poor) to 5 (great)."]}}
        wrong = client.post(address, {"answers": {ids["going_well"]: 9, "77777": 1}}, content_type="application/json")
        assert set(wrong.json()["answers"]) == {str(ids["going_well"]), "77777"}
        shapeless = client.post(address, {"answers": [4]}, content_type="application/json")
        assert shapeless.status_code == 400 and "answers" in shapeless.json()
        assert not SurveyResponse.objects.exists()


# --- HR admins ---------------------------------------------------------------------------------------------------


class TestProgramSurveys:
    def test_surveys_with_questions_and_suppressed_response_rates(self, org, admin_client, pair):
        answer(org, pair, pair.mentee, checkin_answers(assignment_of(pair, pair.mentee), comment="SECRET-e71"))
        response = admin_client.get(org_url("api-program-survey-list", org, program_pk=pair.program.pk))
        assert response.status_code == 200 and "SECRET-e71" not in response.content.decode()
        surveys = {s["kind"]: s for s in response.json()["results"]}
        assert set(surveys) == {"checkin", "closing"}
        checkin = surveys["checkin"]
        assert [(q["prompt"], q["standard"]) for q in checkin["questions"]] == [
            ("How is your mentoring going?", True),
            ("Anything you would like to add? (optional)", True),
        ]
        hidden = {"value": None, "n": None, "suppressed": True, "reason": "fewer than 5"}
        assert checkin["response_rate"] == {"people": hidden, "due": hidden, "answered": hidden, "rate": hidden}

    def test_response_rates_appear_from_the_minimum_group_size(self, org, admin_client, pair):
        for _ in range(2):
            pair_started(org, started_at=timezone.now() - timedelta(days=31), program=pair.program)
        plan(org, timezone.now())
        for assignment in SurveyAssignment.objects.filter(program=pair.program).select_related("survey")[:3]:
            survey_answer(
                organization=org,
                employee=assignment.respondent,
                assignment_id=assignment.pk,
                answers=checkin_answers(assignment),
            )
        body = admin_client.get(org_url("api-program-survey-list", org, program_pk=pair.program.pk)).json()
        rate = next(s for s in body["results"] if s["kind"] == "checkin")["response_rate"]
        assert rate["people"] == {"value": 6, "n": 6, "suppressed": False}
        # 3 answered and 3 not: each fewer than 5, so neither the count nor the rate is shown (over time they
        # would tell whether one person answered).
        assert rate["due"]["value"] == 6 and rate["answered"]["suppressed"] and rate["rate"]["suppressed"]

    def test_add_and_remove_own_questions(self, org, admin_client, pair, mine):
        survey = mine.survey
        add = org_url("api-program-survey-question-list", org, program_pk=pair.program.pk, survey_pk=survey.pk)
        created = admin_client.post(
            add, {"prompt": "Was the kick-off useful?", "type": "agree"}, content_type="application/json"
        )
        assert created.status_code == 201
        body = created.json()
        assert (body["prompt"], body["type"], body["required"], body["standard"]) == (
            "Was the kick-off useful?",
            "agree",
            False,
            False,
        )
        assert admin_client.post(
            add, {"prompt": "", "type": "dance"}, content_type="application/json"
        ).json().keys() == {
            "prompt",
            "type",
        }
        own = org_url(
            "api-program-survey-question-detail",
            org,
            program_pk=pair.program.pk,
            survey_pk=survey.pk,
            survey_question_pk=body["id"],
        )
        assert admin_client.get(own).status_code == 405
        assert admin_client.delete(own).status_code == 204
        assert not SurveyQuestion.objects.filter(pk=body["id"]).exists()
        standard = org_url(
            "api-program-survey-question-detail",
            org,
            program_pk=pair.program.pk,
            survey_pk=survey.pk,
            survey_question_pk=by_code(mine)["going_well"],
        )
        refused = admin_client.delete(standard)
        assert refused.status_code == 400 and "standard question" in refused.json()["non_field_errors"][0]

    def test_a_survey_of_another_program_is_not_found_under_this_one(self, org, admin_client, pair, mine):
        elsewhere = pair_started(org).program
        address = org_url("api-program-survey-question-list", org, program_pk=elsewhere.pk, survey_pk=mine.survey_id)
        assert (
            admin_client.post(address, {"prompt": "Q?", "type": "text"}, content_type="application/json").status_code
            == 404
        )

    def test_only_admins(self, org, stakeholder_client, member_client, outsider_client, pair, mine):
        listing = org_url("api-program-survey-list", org, program_pk=pair.program.pk)
        add = org_url("api-program-survey-question-list", org, program_pk=pair.program.pk, survey_pk=mine.survey_id)
        for client, expected in ((stakeholder_client, 403), (member_client, 403), (outsider_client, 404)):
            assert client.get(listing).status_code == expected
            assert (
                client.post(add, {"prompt": "Q?", "type": "text"}, content_type="application/json").status_code
                == expected
            )
        assert not SurveyQuestion.objects.filter(code="").exists()
        assert Survey.objects.filter(program=pair.program).count() == 1  # the check-in the planner made
