"""Surveys behind the pages: who is asked when (check-ins every 30 days of a match, only the latest round;
the closing survey when a match is completed or ended early), when they close, the reminder that asks
(and is skipped once pointless), the home page's to-dos, answering exactly once (also under a race on
PostgreSQL), the checks on answers, and admins' own questions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.http import Http404
from django.utils import timezone

from analytics.models import SurveyAssignment, SurveyQuestion, SurveyResponse
from analytics.services.survey_answers import survey_answer, survey_answers_clean
from analytics.services.surveys import survey_for, survey_question_add, survey_question_remove
from analytics.survey_schedule import assignment_expires_at, round_of_slot
from analytics.tasks import plan_surveys
from matching.models import Match, MatchMember
from matching.services.lifecycle import match_end_early
from sessions.models import Notification, Reminder
from sessions.services.dispatch import reminders_deliver
from tests.helpers import org_url, page_text, thread_like_the_test
from tests.sessions.factories import person

from .survey_data import (
    DAY,
    START,
    answer,
    assignment_of,
    by_code,
    checkin_answers,
    closing_answers,
    pair_complete,
    pair_due_now,
    pair_started,
    plan,
)

pytestmark = pytest.mark.django_db
A = SurveyAssignment.Status
K = Reminder.Kind


def _rows(pair):
    return list(
        SurveyAssignment.objects.filter(match=pair.match)
        .order_by("round", "respondent_id")
        .values_list("respondent_id", "round", "due_at", "status")
    )


class TestCheckinPlanning:
    def test_the_first_round_is_due_30_days_after_the_start_for_each_member(self, org):
        pair = pair_started(org)
        assert plan(org, START + 30 * DAY - timedelta(seconds=1)).checkins == 0
        assert _rows(pair) == []

        report = plan(org, START + 30 * DAY)
        assert report.checkins == 2
        due = START + 30 * DAY
        assert _rows(pair) == [
            (pair.mentor.employee.pk, 1, due, A.OPEN),
            (pair.mentee.employee.pk, 1, due, A.OPEN),
        ]
        assignment = assignment_of(pair, pair.mentee)
        assert assignment.survey.kind == "checkin" and assignment.program == pair.program
        assert set(by_code(assignment)) == {"going_well", "checkin_comment"}

    def test_only_the_latest_round_that_is_due_is_made_never_a_backlog(self, org):
        pair = pair_started(org)
        plan(org, START + 95 * DAY)
        assert {(round_, due) for _, round_, due, _ in _rows(pair)} == {(3, START + 90 * DAY)}

    def test_rounds_follow_every_30_days_and_the_last_one_closes_when_the_next_is_due(self, org):
        pair = pair_started(org)
        plan(org, START + 31 * DAY)
        answer(org, pair, pair.mentor, now=START + 32 * DAY)
        report = plan(org, START + 60 * DAY)
        assert report.checkins == 2 and report.expired == 1  # the mentee never answered round 1
        rounds = {(who, round_): status for who, round_, _, status in _rows(pair)}
        mentor, mentee = pair.mentor.employee.pk, pair.mentee.employee.pk
        assert rounds == {
            (mentor, 1): A.ANSWERED,
            (mentee, 1): A.EXPIRED,
            (mentor, 2): A.OPEN,
            (mentee, 2): A.OPEN,
        }

    def test_planning_twice_is_harmless(self, org):
        pair = pair_started(org)
        first = plan(org, START + 31 * DAY)
        again = plan(org, START + 31 * DAY + timedelta(hours=1))
        assert (first.checkins, again.checkins) == (2, 0)
        assert len(_rows(pair)) == 2
        assert Reminder.objects.filter(kind=K.CHECKIN_DUE).count() == 2

    def test_only_active_matches_and_current_members_are_asked(self, org):
        pair = pair_started(org, circle_members=2)
        gone = pair.others[0]
        MatchMember.objects.filter(match=pair.match, participant__employee=gone.employee).update(current=False)
        proposed = pair_started(org, status=Match.Status.APPROVED)
        plan(org, START + 31 * DAY)
        asked = {who for who, *_ in _rows(pair)}
        assert asked == {pair.mentor.employee.pk, pair.mentee.employee.pk, pair.others[1].employee.pk}
        assert _rows(proposed) == []

    def test_someone_who_left_the_organization_is_not_asked(self, org):
        pair = pair_started(org)
        pair.mentee.employee.left_on = (START + 20 * DAY).date()
        pair.mentee.employee.save()
        plan(org, START + 31 * DAY)
        assert {who for who, *_ in _rows(pair)} == {pair.mentor.employee.pk}

    def test_each_organization_plans_only_its_own_matches(self, org, other_org):
        ours, theirs = pair_started(org), pair_started(other_org)
        plan(org, START + 31 * DAY)
        assert len(_rows(ours)) == 2 and _rows(theirs) == []

    def test_the_hourly_task_plans_every_organization(self, org, other_org):
        now = timezone.now()
        ours = pair_started(org, started_at=now - 31 * DAY)
        theirs = pair_started(other_org, started_at=now - 31 * DAY)
        assert plan_surveys() == 2  # one task per organization (run in-process here)
        assert len(_rows(ours)) == 2 and len(_rows(theirs)) == 2
        assert all(row.organization_id == other_org.pk for row in SurveyAssignment.objects.filter(match=theirs.match))


class TestClosingSurvey:
    def test_everyone_is_asked_when_the_match_is_completed_and_open_checkins_close(self, org):
        pair = pair_started(org, started_at=timezone.now() - 40 * DAY)
        plan(org, timezone.now())
        match = pair_complete(org, pair)
        report = plan(org, timezone.now() + timedelta(hours=1))
        assert report.closings == 2 and report.expired == 2  # the check-in asks about a match that is over
        closing = SurveyAssignment.objects.filter(match=match, round=0)
        assert {(a.respondent_id, a.due_at, a.status, a.survey.kind) for a in closing} == {
            (pair.mentor.employee.pk, match.ended_at, A.OPEN, "closing"),
            (pair.mentee.employee.pk, match.ended_at, A.OPEN, "closing"),
        }
        assert set(SurveyAssignment.objects.filter(match=match, round=1).values_list("status", flat=True)) == {
            A.EXPIRED
        }
        assert plan(org, timezone.now() + timedelta(hours=2)).closings == 0  # once per match

    def test_an_early_end_asks_those_who_were_in_it_not_who_declined(self, org):
        pair = pair_started(org, started_at=timezone.now() - 10 * DAY, circle_members=2)
        decliner = pair.others[0]
        MatchMember.objects.filter(match=pair.match, participant__employee=decliner.employee).update(
            response=MatchMember.Response.DECLINED, current=False
        )
        match_end_early(
            organization=org,
            actor=None,
            match_id=pair.match.pk,
            reason="We could not find time.",
            employee=pair.mentee.employee,
            rematch=False,
        )
        plan(org, timezone.now() + timedelta(minutes=5))
        asked = set(SurveyAssignment.objects.filter(match=pair.match, round=0).values_list("respondent_id", flat=True))
        assert asked == {pair.mentor.employee.pk, pair.mentee.employee.pk, pair.others[1].employee.pk}

    def test_matches_that_ended_long_ago_are_history(self, org):
        pair = pair_started(org, started_at=START)
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED, ended_at=START + 100 * DAY)
        assert plan(org, START + 161 * DAY).closings == 0
        assert plan(org, START + 159 * DAY).closings == 2

    def test_a_closing_survey_planned_late_still_gets_a_month_then_expires(self, org):
        pair = pair_started(org, started_at=START)
        ended = START + 100 * DAY
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED, ended_at=ended)
        planned_at = ended + 40 * DAY
        plan(org, planned_at)
        # created_at is the real clock's; the planner ran at `planned_at` (the pinned clock of this test).
        SurveyAssignment.objects.filter(match=pair.match).update(created_at=planned_at)
        assignment = assignment_of(pair, pair.mentee)
        assert assignment.due_at == ended and assignment_expires_at(assignment) == planned_at + 30 * DAY
        assert plan(org, planned_at + 29 * DAY).expired == 0
        assert plan(org, planned_at + 30 * DAY).expired == 2
        assert set(SurveyAssignment.objects.filter(match=pair.match).values_list("status", flat=True)) == {A.EXPIRED}


class TestReminders:
    def test_every_assignment_gets_a_checkin_reminder_due_with_it(self, org):
        pair = pair_started(org)
        plan(org, START + 31 * DAY)
        reminders = Reminder.objects.filter(kind=K.CHECKIN_DUE, match=pair.match)
        assert {(r.recipient_id, r.slot, r.due_at, r.status) for r in reminders} == {
            (pair.mentor.employee.pk, "checkin#1", START + 30 * DAY, Reminder.Status.PENDING),
            (pair.mentee.employee.pk, "checkin#1", START + 30 * DAY, Reminder.Status.PENDING),
        }
        assert round_of_slot("checkin#1") == 1 and round_of_slot("closing") == 0 and round_of_slot("x#1") is None

    def test_the_reminder_asks_in_the_app_and_by_email_with_the_link_and_the_confidentiality_rule(self, org):
        pair = pair_started(org)
        plan(org, START + 31 * DAY)
        report = reminders_deliver(now=START + 31 * DAY)
        assert report.sent == 2 and report.skipped == 0
        assignment = assignment_of(pair, pair.mentee)
        notice = Notification.objects.get(recipient=pair.mentee.employee, kind=K.CHECKIN_DUE)
        assert notice.title == "How is your mentoring with Morgan Mentor going?"
        assert "Two questions, one minute." in notice.body
        assert "HR and stakeholders only see totals over at least 5 people" in notice.body
        assert notice.url == org_url("survey-answer", org, assignment_pk=assignment.pk)
        email = next(m for m in mail.outbox if m.to == [pair.mentee.employee.email])
        assert email.subject.endswith("How is your mentoring with Morgan Mentor going?")
        assert notice.url in email.body and "List-Unsubscribe" in email.extra_headers

    def test_the_closing_reminder_names_the_program(self, org):
        pair = pair_started(org, name="Grow Together")
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED, ended_at=START + 50 * DAY)
        plan(org, START + 51 * DAY)
        reminders_deliver(now=START + 51 * DAY)
        notice = Notification.objects.get(recipient=pair.mentor.employee, kind=K.CHECKIN_DUE)
        assert notice.title == "Your mentoring with Ellis Mentee has ended: how was it?"
        assert "in Grow Together has ended" in notice.body and "six questions, two minutes." in notice.body

    def test_a_reminder_is_skipped_once_answered_or_closed(self, org):
        pair = pair_started(org)
        plan(org, START + 29 * DAY + timedelta(hours=23))  # nothing yet
        plan(org, START + 30 * DAY)
        answer(org, pair, pair.mentee, now=START + 30 * DAY + timedelta(minutes=1))
        SurveyAssignment.objects.filter(respondent=pair.mentor.employee).update(status=A.EXPIRED)
        report = reminders_deliver(now=START + 30 * DAY + timedelta(minutes=2))
        assert report.sent == 0 and report.skipped == 2
        notes = dict(Reminder.objects.filter(kind=K.CHECKIN_DUE).values_list("recipient_id", "note"))
        assert notes == {
            pair.mentee.employee.pk: "Answered already.",
            pair.mentor.employee.pk: "The survey has closed.",
        }
        assert not Notification.objects.filter(kind=K.CHECKIN_DUE).exists()

    def test_ending_the_match_drops_a_checkin_reminder_still_pending(self, org):
        pair = pair_started(org, started_at=timezone.now() - 30 * DAY + timedelta(hours=1))
        plan(org, timezone.now() + timedelta(hours=2))  # due in an hour
        match_end_early(
            organization=org, actor=None, match_id=pair.match.pk, reason="Moving on.", employee=pair.mentee.employee
        )
        assert set(Reminder.objects.filter(kind=K.CHECKIN_DUE, slot="checkin#1").values_list("status", flat=True)) == {
            Reminder.Status.SKIPPED
        }


class TestThingsToDo:
    def test_the_home_page_lists_open_surveys_that_are_due(self, org):
        pair = pair_due_now(org)
        client = pair.client(pair.mentee)
        assignment = assignment_of(pair, pair.mentee)
        html = page_text(client.get(org_url("my-mentoring", org)))
        assert "Answer the check-in about your match with Morgan Mentor" in html
        assert org_url("survey-answer", org, assignment_pk=assignment.pk) in html
        assert "open until" in html
        answer(org, pair, pair.mentee)
        assert "Answer the check-in" not in page_text(client.get(org_url("my-mentoring", org)))

    def test_the_closing_survey_names_the_program(self, org):
        pair = pair_started(org, started_at=timezone.now() - 40 * DAY, name="Grow Together")
        pair_complete(org, pair)
        plan(org, timezone.now())
        html = page_text(pair.client(pair.mentor).get(org_url("my-mentoring", org)))
        assert "Answer the closing survey of your match in Grow Together" in html
        assert "Answer the check-in" not in html

    def test_a_survey_past_its_time_is_not_listed_even_before_the_planner_marks_it(self, org):
        pair = pair_due_now(org)
        SurveyAssignment.objects.filter(match=pair.match).update(due_at=timezone.now() - 31 * DAY)
        assert "Answer the check-in" not in page_text(pair.client(pair.mentee).get(org_url("my-mentoring", org)))


class TestAnswering:
    def test_answers_are_saved_once_with_the_assignment_marked_answered(self, org):
        pair = pair_due_now(org)
        assignment = assignment_of(pair, pair.mentee)
        response = answer(org, pair, pair.mentee, checkin_answers(assignment, score=2, comment="  Slow start.  "))
        ids = by_code(assignment)
        assert response.answers == {str(ids["going_well"]): 2, str(ids["checkin_comment"]): "Slow start."}
        assert (response.survey_id, response.program_id, response.organization_id) == (
            assignment.survey_id,
            pair.program.pk,
            org.pk,
        )
        assignment.refresh_from_db()
        assert assignment.status == A.ANSWERED and assignment.answered_at is not None
        with pytest.raises(ValidationError, match="answered this survey already"):
            answer(org, pair, pair.mentee, checkin_answers(assignment, score=5))
        assert SurveyResponse.objects.get(assignment=assignment).answers[str(ids["going_well"])] == 2

    def test_an_expired_or_closed_survey_takes_no_answers(self, org):
        pair = pair_due_now(org)
        SurveyAssignment.objects.filter(respondent=pair.mentee.employee).update(status=A.EXPIRED)
        with pytest.raises(ValidationError, match="has closed"):
            answer(org, pair, pair.mentee)
        # Past its time but not yet marked by the planner: closed all the same.
        SurveyAssignment.objects.filter(respondent=pair.mentor.employee).update(due_at=timezone.now() - 30 * DAY)
        with pytest.raises(ValidationError, match="has closed"):
            answer(org, pair, pair.mentor)
        assert not SurveyResponse.objects.exists()

    def test_nobody_can_answer_someone_elses_survey(self, org, other_org):
        pair = pair_due_now(org)
        mentees = assignment_of(pair, pair.mentee)
        outsider = person(other_org, "out@beta.test")
        for employee, organization in ((pair.mentor.employee, org), (outsider.employee, other_org), (None, org)):
            with pytest.raises(Http404):
                survey_answer(
                    organization=organization,
                    employee=employee,
                    assignment_id=mentees.pk,
                    answers=checkin_answers(mentees),
                )
        assert not SurveyResponse.objects.exists()

    def test_answers_are_checked_against_the_questions(self, org):
        program_survey = survey_for(organization=org, program=pair_started(org).program, kind="closing")
        questions = list(program_survey.questions.all())
        ids = {q.code: str(q.pk) for q in questions}
        with pytest.raises(ValidationError) as refused:
            survey_answers_clean(
                questions,
                {ids["competency"]: 6, ids["relationship"]: True, ids["recommend"]: "11", "999999": 3, "abc": 1},
            )
        errors = refused.value.message_dict
        assert errors[ids["competency"]] == ["Choose how much you agree, from “Strongly disagree” to “Strongly agree”."]
        assert errors[ids["relationship"]] == errors[ids["competency"]]  # True is not an answer
        assert errors[ids["confidence"]] == errors[ids["competency"]]  # required, missing
        assert errors[ids["recommend"]] == ["Choose a number from 0 (not at all likely) to 10 (extremely likely)."]
        assert errors["999999"] == errors["abc"] == ["This is not a question of this survey."]
        assert ids["closing_comment"] not in errors  # optional

        cleaned = survey_answers_clean(
            questions,
            {
                ids["competency"]: "5",
                ids["relationship"]: 1,
                ids["confidence"]: 3,
                ids["stay"]: 4,
                ids["recommend"]: 0,
                ids["closing_comment"]: "   ",
            },
        )
        assert cleaned == {
            ids["competency"]: 5,
            ids["relationship"]: 1,
            ids["confidence"]: 3,
            ids["stay"]: 4,
            ids["recommend"]: 0,
        }
        with pytest.raises(ValidationError, match="under 2000 characters"):
            survey_answers_clean(questions, {**cleaned, ids["closing_comment"]: "x" * 2001})

    def test_a_closing_survey_is_stored_by_question_id_for_the_impact_report(self, org):
        pair = pair_started(org, started_at=timezone.now() - 40 * DAY)
        pair_complete(org, pair)
        plan(org, timezone.now())
        assignment = assignment_of(pair, pair.mentee)
        response = answer(org, pair, pair.mentee, closing_answers(assignment, agree=4, nps=10, comment="Great."))
        ids = by_code(assignment)
        assert response.answers[str(ids["stay"])] == 4 and response.answers[str(ids["recommend"])] == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_submits_racing_save_one_response(transactional_db, org):
    pair = pair_due_now(org)
    assignment = assignment_of(pair, pair.mentee)
    barrier = threading.Barrier(2)
    results: dict[int, object] = {}

    def submit(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = answer(org, pair, pair.mentee, checkin_answers(assignment, score=index + 3))
        except BaseException as error:  # surfaced by the asserts below
            results[index] = error
        finally:
            connections.close_all()

    threads = [thread_like_the_test(submit, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    saved = [r for r in results.values() if isinstance(r, SurveyResponse)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert "answered this survey already" in refused[0].messages[0]
    assert SurveyResponse.objects.filter(assignment=assignment).count() == 1
    assert SurveyAssignment.objects.get(pk=assignment.pk).status == A.ANSWERED


class TestAdminQuestions:
    def test_an_own_question_is_asked_after_the_standard_ones_and_can_be_removed(self, org, admin):
        pair = pair_due_now(org)
        assignment = assignment_of(pair, pair.mentee)
        survey = assignment.survey
        question = survey_question_add(
            organization=org,
            actor=admin.user,
            program_id=pair.program.pk,
            survey_id=survey.pk,
            prompt="  Was the kick-off useful?  ",
            type="agree",
            required=True,
        )
        assert (question.prompt, question.code, question.is_standard) == ("Was the kick-off useful?", "", False)
        assert list(survey.questions.order_by("position", "id"))[-1] == question
        with pytest.raises(ValidationError):  # now required
            answer(org, pair, pair.mentee)
        given = answer(org, pair, pair.mentee, {**checkin_answers(assignment), str(question.pk): 4})

        survey_question_remove(
            organization=org, actor=admin.user, program_id=pair.program.pk, survey_id=survey.pk, question_id=question.pk
        )
        assert not SurveyQuestion.objects.filter(pk=question.pk).exists()
        given.refresh_from_db()
        assert given.answers[str(question.pk)] == 4  # kept in the response, asked no more
        mentor = assignment_of(pair, pair.mentor)
        answer(org, pair, pair.mentor, checkin_answers(mentor))  # no longer required

    def test_standard_questions_stay_and_other_programs_are_out_of_reach(self, org, admin, other_org):
        pair = pair_started(org)
        survey = survey_for(organization=org, program=pair.program, kind="checkin")
        standard = survey.questions.get(code="going_well")
        with pytest.raises(ValidationError, match="standard question"):
            survey_question_remove(
                organization=org,
                actor=admin.user,
                program_id=pair.program.pk,
                survey_id=survey.pk,
                question_id=standard.pk,
            )
        with pytest.raises(Http404):
            survey_question_add(
                organization=other_org,
                actor=None,
                program_id=pair.program.pk,
                survey_id=survey.pk,
                prompt="Sneaky?",
                type="text",
            )
        with pytest.raises(ValidationError) as refused:
            survey_question_add(
                organization=org,
                actor=admin.user,
                program_id=pair.program.pk,
                survey_id=survey.pk,
                prompt=" ",
                type="x",
            )
        assert set(refused.value.message_dict) == {"prompt", "type"}
