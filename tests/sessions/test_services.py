"""The sessions services' rules: who may do what in a match, what is refused with which message, and what a
match's end does to everything planned for it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from matching.models import ExcludedPair, Match, MatchMember, MatchRun
from matching.services.lifecycle import match_end_early, match_request_completion, matches_complete_finished
from programs.models import Participant, Program
from sessions.models import Goal, GoalTemplate, MentoringSession, Milestone, Notification, Reminder, SessionFeedback
from sessions.selectors.goals import goal_for_employee, goal_progress, goals_visible_to
from sessions.selectors.matches import match_for_employee
from sessions.selectors.sessions import feedback_given_by, my_feedback
from sessions.services.goals import (
    goal_comment_add,
    goal_create,
    goal_template_create,
    goal_template_delete,
    goal_template_update,
    goal_update,
    milestone_add,
    milestone_update,
    template_milestones_clean,
)
from sessions.services.sessions import feedback_save, session_log, session_log_past, session_schedule

from .factories import active_pair, person

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
NOW = datetime(2027, 5, 3, 12, 0, tzinfo=UTC)
HELD = MentoringSession.Status.HELD


@pytest.fixture
def pair(org):
    return active_pair(org, started_at=NOW - timedelta(days=30))


def _schedule(org, pair, starts_at, who=None, **fields):
    return session_schedule(
        organization=org,
        actor=None,
        employee=(who or pair.mentee).employee,
        match_id=pair.match.pk,
        starts_at=starts_at,
        now=NOW,
        **fields,
    )


def _held(org, pair, days_ago=3):
    return session_log_past(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=NOW - timedelta(days=days_ago),
        now=NOW,
    )


# --- Scheduling and logging ---------------------------------------------------------------------------------


def test_scheduling_refuses_the_past_and_far_future_and_a_double_submit(org, pair):
    with pytest.raises(ValidationError, match="That time has passed"):
        _schedule(org, pair, NOW - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="at most a year ahead"):
        _schedule(org, pair, NOW + timedelta(days=400))
    with pytest.raises(ValidationError, match="time zone"):
        _schedule(org, pair, datetime(2027, 6, 1, 10, 0))  # naive: which 10:00?
    first = _schedule(org, pair, NOW + timedelta(days=2))
    with pytest.raises(ValidationError, match="already has a session at that time"):
        _schedule(org, pair, NOW + timedelta(days=2), who=pair.mentor)
    assert list(MentoringSession.objects.values_list("pk", flat=True)) == [first.pk]


def test_only_the_people_of_an_active_match_change_it(org, pair, other_org):
    stranger = person(org, "stranger@alpha.test")
    with pytest.raises(Http404):
        _schedule(org, pair, NOW + timedelta(days=2), who=stranger)
    outsider_pair = active_pair(other_org)
    with pytest.raises(Http404):  # an object of another organization does not exist here
        session_schedule(
            organization=other_org,
            actor=None,
            employee=outsider_pair.mentee.employee,
            match_id=pair.match.pk,
            starts_at=NOW + timedelta(days=2),
            now=NOW,
        )
    Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED)
    MatchMember.objects.filter(match=pair.match).update(current=False)
    with pytest.raises(ValidationError, match="This match is completed: it can no longer change"):
        _schedule(org, pair, NOW + timedelta(days=2))


def test_a_session_is_logged_once_after_its_start(org, pair):
    session = _schedule(org, pair, NOW + timedelta(days=2))
    log = session_log
    with pytest.raises(ValidationError, match="has not started yet"):
        log(organization=org, actor=None, employee=pair.mentor.employee, session_id=session.pk, status=HELD, now=NOW)
    later = NOW + timedelta(days=2, hours=1)
    with pytest.raises(ValidationError, match="held or missed"):
        log(organization=org, actor=None, employee=pair.mentor.employee, session_id=session.pk, status="cancelled")
    logged = log(
        organization=org,
        actor=None,
        employee=pair.mentor.employee,
        session_id=session.pk,
        status=HELD,
        shared_notes="  Talked about the promotion case.  ",
        now=later,
    )
    assert logged.status == HELD and logged.shared_notes == "Talked about the promotion case."
    assert logged.logged_by == pair.mentor.employee
    with pytest.raises(ValidationError, match="was logged already"):
        log(organization=org, actor=None, employee=pair.mentee.employee, session_id=session.pk, status=HELD, now=later)


def test_logging_a_past_meeting_in_one_step_with_my_feedback(org, pair):
    with pytest.raises(ValidationError, match="still ahead"):
        session_log_past(
            organization=org,
            actor=None,
            employee=pair.mentee.employee,
            match_id=pair.match.pk,
            starts_at=NOW + timedelta(hours=1),
            now=NOW,
        )
    with pytest.raises(ValidationError, match="before this match began"):
        session_log_past(
            organization=org,
            actor=None,
            employee=pair.mentee.employee,
            match_id=pair.match.pk,
            starts_at=NOW - timedelta(days=90),
            now=NOW,
        )
    session = session_log_past(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=NOW - timedelta(days=1),
        format=MentoringSession.Format.PHONE,
        shared_notes="Quick call",
        rating=4,
        topics="Confidence, networking , confidence",
        reflection="I felt heard.",
        now=NOW,
    )
    assert session.status == HELD and not Reminder.objects.filter(session=session).exists()
    feedback = SessionFeedback.objects.get(session=session)
    assert (feedback.author, feedback.rating, feedback.topics) == (
        pair.mentee.employee,
        4,
        ["Confidence", "networking"],
    )
    assert feedback.reflection == "I felt heard."


def test_feedback_is_for_held_sessions_by_their_people_and_replaces_itself(org, pair):
    planned = _schedule(org, pair, NOW + timedelta(days=2))
    with pytest.raises(ValidationError, match="Only a session that was held"):
        feedback_save(organization=org, employee=pair.mentor.employee, session_id=planned.pk, rating=5)
    held = _held(org, pair)
    for bad in (0, 6, "5", True):
        with pytest.raises(ValidationError, match="from 1"):
            feedback_save(organization=org, employee=pair.mentor.employee, session_id=held.pk, rating=bad)
    with pytest.raises(ValidationError, match="At most 8 topics"):
        feedback_save(
            organization=org, employee=pair.mentor.employee, session_id=held.pk, rating=4, topics=list("abcdefghi")
        )
    feedback_save(organization=org, employee=pair.mentor.employee, session_id=held.pk, rating=3)
    feedback_save(
        organization=org, employee=pair.mentor.employee, session_id=held.pk, rating=5, reflection="Better than I said"
    )
    assert SessionFeedback.objects.filter(session=held).count() == 1
    assert SessionFeedback.objects.get(session=held).rating == 5
    stranger = person(org, "stranger@alpha.test")
    with pytest.raises(Http404):
        feedback_save(organization=org, employee=stranger.employee, session_id=held.pk, rating=5)


def test_a_reflection_is_read_only_by_its_author(org, pair):
    held = _held(org, pair)
    feedback_save(
        organization=org, employee=pair.mentee.employee, session_id=held.pk, rating=2, reflection="Mine alone"
    )
    assert my_feedback(organization=org, session=held, employee=pair.mentor.employee) is None
    mine = my_feedback(organization=org, session=held, employee=pair.mentee.employee)
    assert mine.reflection == "Mine alone"
    # What others may learn: that feedback was given, not what it says.
    assert feedback_given_by(organization=org, session=held) == {pair.mentee.employee_id}


# --- Goals ----------------------------------------------------------------------------------------------------


def test_a_goal_from_a_template_gets_its_milestones_with_dates(org, pair):
    template = goal_template_create(
        organization=org,
        actor=None,
        program_id=pair.program.pk,
        title="Speak up in leadership meetings",
        description="Bring one point to every meeting.",
        milestones="Prepare one point | 7\nSpeak first once | 30\nAsk for feedback",
    )
    goal = goal_create(organization=org, employee=pair.mentee.employee, match_id=pair.match.pk, template_id=template.pk)
    today = timezone.localdate()
    assert (goal.title, goal.match, goal.participant) == ("Speak up in leadership meetings", pair.match, None)
    milestones = list(goal.milestones.order_by("position").values_list("title", "due_on"))
    assert milestones == [
        ("Prepare one point", today + timedelta(days=7)),
        ("Speak first once", today + timedelta(days=30)),
        ("Ask for feedback", None),
    ]
    with pytest.raises(ValidationError, match="number of days"):
        template_milestones_clean("Prepare | soon")
    with pytest.raises(ValidationError, match="title already"):
        goal_template_create(organization=org, actor=None, program_id=pair.program.pk, title=template.title)


def test_personal_goals_are_seen_by_their_owner_and_mentor_only(org, pair):
    goal = goal_create(
        organization=org,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        title="Finish the course",
        personal=True,
    )
    assert goal.participant.employee == pair.mentee.employee and goal.match is None
    other = active_pair(org, mentor=person(org, "m2@alpha.test", level=8), program=pair.program)
    for who, sees in ((pair.mentee, True), (pair.mentor, True), (other.mentee, False), (other.mentor, False)):
        visible = goals_visible_to(organization=org, employee=who.employee)
        assert (goal in visible) is sees, who
    # The mentor may tick its milestones and comment; a stranger gets 404.
    milestone = milestone_add(organization=org, employee=pair.mentor.employee, goal_id=goal.pk, title="Week 1")
    milestone_update(organization=org, employee=pair.mentor.employee, milestone_id=milestone.pk, done=True)
    goal_comment_add(organization=org, employee=pair.mentor.employee, goal_id=goal.pk, body="Well done!")
    with pytest.raises(Http404):
        goal_comment_add(organization=org, employee=other.mentor.employee, goal_id=goal.pk, body="Hi")
    with pytest.raises(Http404):
        milestone_update(organization=org, employee=other.mentee.employee, milestone_id=milestone.pk, done=False)


def test_progress_comes_from_milestones_and_done_closes_the_reminders(org, pair):
    goal = goal_create(
        organization=org,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        title="Network",
        milestones=[{"title": "Meet 3 people", "due_on": date(2031, 1, 5)}, {"title": "Join a guild"}],
    )
    goal = goal_for_employee(organization=org, employee=pair.mentee.employee, goal_id=goal.pk)
    assert goal_progress(goal) == 0
    first = goal.milestones.all()[0]
    milestone_update(organization=org, employee=pair.mentee.employee, milestone_id=first.pk, done=True)
    goal = goal_for_employee(organization=org, employee=pair.mentee.employee, goal_id=goal.pk)
    assert goal_progress(goal) == 50
    pending = Reminder.objects.filter(milestone__goal=goal, status=Reminder.Status.PENDING)
    assert not pending.exists()  # the only dated milestone is done
    milestone_update(
        organization=org,
        employee=pair.mentee.employee,
        milestone_id=goal.milestones.all()[1].pk,
        due_on=date(2031, 2, 1),
    )
    assert pending.count() == 2
    done = goal_update(organization=org, employee=pair.mentor.employee, goal_id=goal.pk, status="done")
    assert done.completed_at is not None and not pending.exists()
    with pytest.raises(ValidationError, match="cannot be changed here"):
        goal_update(organization=org, employee=pair.mentor.employee, goal_id=goal.pk, program=None)


# --- The end of a match ---------------------------------------------------------------------------------------


def test_a_match_completes_when_everyone_asked_and_what_was_planned_is_called_off(org, pair):
    ahead = session_schedule(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() + timedelta(days=3),
    )
    answer = match_request_completion(
        organization=org, actor=None, employee=pair.mentee.employee, match_id=pair.match.pk
    )
    assert not answer.completed and answer.waiting_for == [pair.mentor.employee.name]
    assert Notification.objects.filter(
        recipient=pair.mentor.employee, title__contains="would like to complete"
    ).exists()
    answer = match_request_completion(
        organization=org, actor=None, employee=pair.mentor.employee, match_id=pair.match.pk
    )
    assert answer.completed
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.COMPLETED and pair.match.ended_at is not None
    assert not MatchMember.objects.filter(match=pair.match, current=True).exists()
    ahead.refresh_from_db()
    assert ahead.status == MentoringSession.Status.CANCELLED and ahead.sequence == 1
    planned = Reminder.objects.filter(session=ahead, status=Reminder.Status.PENDING)
    assert set(planned.values_list("kind", flat=True)) == {Reminder.Kind.SESSION_CANCELLED}
    # Still theirs to read: the match and its sessions stay visible to both.
    assert match_for_employee(organization=org, employee=pair.mentee.employee, match_id=pair.match.pk)


def test_ending_early_keeps_the_reason_for_admins_frees_the_people_and_offers_a_rematch(org, pair):
    Program.objects.filter(pk=pair.program.pk).update(status=Program.Status.ACTIVE)
    with pytest.raises(ValidationError, match="Say briefly why"):
        match_end_early(organization=org, actor=None, match_id=pair.match.pk, reason=" ", employee=pair.mentee.employee)
    result = match_end_early(
        organization=org,
        actor=pair.mentee.user,
        match_id=pair.match.pk,
        reason="Our schedules never line up",
        employee=pair.mentee.employee,
    )
    pair.match.refresh_from_db()
    assert (pair.match.status, pair.match.end_reason) == (Match.Status.ENDED, "Our schedules never line up")
    mentee_participant = Participant.objects.get(program=pair.program, employee=pair.mentee.employee)
    mentor_participant = Participant.objects.get(program=pair.program, employee=pair.mentor.employee)
    assert mentee_participant.status == Participant.Status.APPROVED  # free to be matched again
    assert ExcludedPair.objects.filter(mentor=mentor_participant, mentee=mentee_participant).exists()
    assert isinstance(result.rematch_run, MatchRun)
    assert result.rematch_run.scope_participant_ids == [mentee_participant.pk]
    told = Notification.objects.get(recipient=pair.mentor.employee)
    assert "ended your match" in told.title and "schedules" not in told.title  # the reason is for HR


def test_ending_a_match_through_the_matching_service_calls_off_its_sessions_and_tells_its_members(org, pair):
    """The one public way to end a match is the full action: no wrapper is needed to cancel what was planned."""
    ahead = session_schedule(
        organization=org,
        actor=None,
        employee=pair.mentor.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() + timedelta(days=5),
    )
    match_end_early(organization=org, actor=None, match_id=pair.match.pk, reason="Reorganisation", employee=None)
    ahead.refresh_from_db()
    assert (ahead.status, ahead.cancel_reason, ahead.sequence) == (
        MentoringSession.Status.CANCELLED,
        "The match ended.",
        1,
    )
    cancellations = Reminder.objects.filter(session=ahead, kind=Reminder.Kind.SESSION_CANCELLED)
    assert set(cancellations.values_list("recipient_id", flat=True)) == {
        pair.mentor.employee.pk,
        pair.mentee.employee.pk,
    }
    told = Notification.objects.filter(kind=Notification.MATCH_UPDATE, title__startswith="HR ended your match")
    assert set(told.values_list("recipient_id", flat=True)) == {pair.mentor.employee.pk, pair.mentee.employee.pk}


def test_ending_without_a_rematch_withdraws_the_mentee(org, pair):
    match_end_early(organization=org, actor=None, match_id=pair.match.pk, reason="Leaving the company", rematch=False)
    mentee_participant = Participant.objects.get(program=pair.program, employee=pair.mentee.employee)
    assert mentee_participant.status == Participant.Status.WITHDRAWN


def test_matches_complete_when_their_program_ends(org, pair):
    Program.objects.filter(pk=pair.program.pk).update(starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    assert matches_complete_finished(organization=org, today=date(2026, 12, 31)) == 0
    assert matches_complete_finished(organization=org, today=date(2027, 1, 1)) == 1
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.COMPLETED and "program ended" in pair.match.end_reason
    assert matches_complete_finished(organization=org, today=date(2027, 1, 2)) == 0


def test_goal_templates_belong_to_their_program(org, pair, other_org):
    template = goal_template_create(
        organization=org, actor=None, program_id=pair.program.pk, title="Grow", milestones=[]
    )
    other = active_pair(org)
    with pytest.raises(Http404):  # a template of another program of the same organization
        goal_create(organization=org, employee=other.mentee.employee, match_id=other.match.pk, template_id=template.pk)
    with pytest.raises(Http404):
        goal_template_update(
            organization=other_org, actor=None, program_id=pair.program.pk, template_id=template.pk, title="X"
        )
    goal_template_delete(organization=org, actor=None, program_id=pair.program.pk, template_id=template.pk)
    assert not GoalTemplate.objects.exists() and not Goal.objects.exists() and not Milestone.objects.exists()
