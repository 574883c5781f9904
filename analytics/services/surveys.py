"""Surveys of a program: the check-in and the closing survey, made with their standard questions on first
use (analytics/question_sets.py), the questions HR admins add of their own, and the planning of who is asked
when (with the reminder that asks them). Answering lives in survey_answers.py.

survey_for is idempotent: a second call finds the survey and adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Program
from sessions.models import Reminder
from sessions.services.common import deliver_reminders_on_commit
from sessions.services.reminders import _row, reminders_insert

from ..models import Survey, SurveyAssignment, SurveyQuestion
from ..question_sets import STANDARD
from ..survey_schedule import CHECKIN_EVERY, CLOSING_LOOKBACK, checkin_due_at, checkin_round_due, checkin_slot, closed_q

K = Reminder.Kind


def survey_for(*, organization: Organization, program: Program, kind: str) -> Survey:
    """The program's survey of this kind, with the standard questions first (created when missing)."""
    survey = scoped(Survey, organization).filter(program=program, kind=kind).first()
    if survey is None:
        try:
            with transaction.atomic():
                survey = Survey.objects.create(organization=organization, program=program, kind=kind)
        except IntegrityError:  # made a moment ago by a parallel call
            survey = scoped(Survey, organization).get(program=program, kind=kind)
    have = set(scoped(SurveyQuestion, organization).filter(survey=survey).values_list("code", flat=True))
    missing = [
        SurveyQuestion(
            organization=organization,
            survey=survey,
            position=position,
            prompt=question.prompt,
            type=question.type,
            code=question.code,
            required=question.required,
        )
        for position, question in enumerate(STANDARD[kind])
        if question.code not in have
    ]
    if missing:
        SurveyQuestion.objects.bulk_create(missing, ignore_conflicts=True)
    return survey


# --- Planning: who is asked, when ------------------------------------------------------------------------
#
# The rules (when a round is due, when it closes) are in analytics/survey_schedule.py. Only the latest
# check-in round that is due is made: a match found 95 days in gets round 3, never rounds 1 and 2 as a
# backlog. The closing survey goes to everyone who was in the match at its end (not those who declined it).
# Nobody who has left the organization is asked. Every assignment made gets a CHECKIN_DUE reminder row,
# which sessions' dispatcher sends (analytics/survey_prompts.py writes it).
#
# Planning twice is harmless: the unique key of an assignment, (survey, match, respondent, round), and the
# reminder's key make a second insert a no-op.

A = SurveyAssignment.Status


@dataclass
class PlanReport:
    checkins: int = 0  # assignments made now
    closings: int = 0
    expired: int = 0


def _not_gone(today) -> Q:
    """Members still employed (someone who has left the organization is not asked anything)."""
    return Q(participant__employee__left_on__isnull=True) | Q(participant__employee__left_on__gt=today)


def _surveys(organization: Organization, kind: str) -> Callable[[Program], Survey]:
    """survey_for, once per program for a planning run."""
    found: dict[int, Survey] = {}

    def get(program: Program) -> Survey:
        if program.pk not in found:
            found[program.pk] = survey_for(organization=organization, program=program, kind=kind)
        return found[program.pk]

    return get


def _expire(organization: Organization, now: datetime) -> int:
    """Mark expired the open assignments that no longer take answers (survey_schedule.closed_q)."""
    return scoped(SurveyAssignment, organization).filter(closed_q(now), status=A.OPEN).update(status=A.EXPIRED)


def _plan_checkins(organization: Organization, now: datetime) -> tuple[list[SurveyAssignment], list[Reminder]]:
    due_rounds: dict[int, tuple[Match, int]] = {}
    for match in (
        scoped(Match, organization)
        .filter(status=Match.Status.ACTIVE, started_at__lte=now - CHECKIN_EVERY)
        .select_related("program")
    ):
        due_rounds[match.pk] = (match, checkin_round_due(match.started_at, now))
    if not due_rounds:
        return [], []
    asked = set(
        scoped(SurveyAssignment, organization)
        .filter(match_id__in=due_rounds, round__in={round_ for _, round_ in due_rounds.values()})
        .values_list("match_id", "respondent_id", "round")
    )
    members = (
        scoped(MatchMember, organization)
        .filter(match_id__in=due_rounds, current=True)
        .exclude(response=MatchMember.Response.DECLINED)
        .filter(_not_gone(now.date()))
        .select_related("participant__employee")
        .order_by("match_id", "id")
    )
    survey_of = _surveys(organization, Survey.Kind.CHECKIN)
    assignments, reminders = [], []
    for member in members:
        match, round_ = due_rounds[member.match_id]
        employee = member.participant.employee
        if (match.pk, employee.pk, round_) in asked:
            continue
        assert match.started_at is not None  # the query asks for matches started a while ago
        due_at = checkin_due_at(match.started_at, round_)
        assignments.append(
            SurveyAssignment(
                organization=organization,
                survey=survey_of(match.program),
                program_id=match.program_id,
                match=match,
                respondent=employee,
                round=round_,
                due_at=due_at,
            )
        )
        reminders.append(_row(organization, K.CHECKIN_DUE, employee, due_at, checkin_slot(round_), match=match))
    return assignments, reminders


def _plan_closings(organization: Organization, now: datetime) -> tuple[list[SurveyAssignment], list[Reminder]]:
    # Round 0 is the closing survey (a check-in is round 1 or more).
    surveyed = SurveyAssignment.objects.filter(organization=organization, match=OuterRef("pk"), round=0)
    ended = {
        match.pk: match
        for match in scoped(Match, organization)
        .filter(
            status__in=[Match.Status.COMPLETED, Match.Status.ENDED],
            ended_at__gte=now - CLOSING_LOOKBACK,
            ended_at__lte=now,
        )
        .exclude(Exists(surveyed))
        .select_related("program")
    }
    if not ended:
        return [], []
    members = (
        scoped(MatchMember, organization)
        .filter(match_id__in=ended)
        .exclude(response=MatchMember.Response.DECLINED)
        .filter(_not_gone(now.date()))
        .select_related("participant__employee")
        .order_by("match_id", "id")
    )
    survey_of = _surveys(organization, Survey.Kind.CLOSING)
    assignments, reminders = [], []
    for member in members:
        match = ended[member.match_id]
        employee = member.participant.employee
        assert match.ended_at is not None  # the query asks for matches that ended
        assignments.append(
            SurveyAssignment(
                organization=organization,
                survey=survey_of(match.program),
                program_id=match.program_id,
                match=match,
                respondent=employee,
                round=0,
                due_at=match.ended_at,
            )
        )
        reminders.append(_row(organization, K.CHECKIN_DUE, employee, match.ended_at, checkin_slot(0), match=match))
    return assignments, reminders


@transaction.atomic
def surveys_plan(*, organization: Organization, now: datetime | None = None) -> PlanReport:
    """Expire what has closed, then ask for the check-ins and closing surveys that are due, each with its
    reminder. Run hourly by beat (analytics.plan_surveys), one task per organization."""
    now = now or timezone.now()
    report = PlanReport(expired=_expire(organization, now))
    checkins, checkin_reminders = _plan_checkins(organization, now)
    closings, closing_reminders = _plan_closings(organization, now)
    if checkins or closings:
        SurveyAssignment.objects.bulk_create([*checkins, *closings], ignore_conflicts=True, batch_size=1000)
        reminders_insert([*checkin_reminders, *closing_reminders])
        deliver_reminders_on_commit()
    report.checkins, report.closings = len(checkins), len(closings)
    return report


# --- The admins' own questions ---------------------------------------------------------------------------


def _program_survey(organization: Organization, program_id: int, survey_id: int) -> Survey:
    return get_scoped_or_404(
        Survey.objects.select_related("program"), organization, pk=survey_id, program_id=program_id
    )


@transaction.atomic
def survey_question_add(
    *,
    organization: Organization,
    actor: User | None,
    program_id: int,
    survey_id: int,
    prompt: str,
    type: str,  # the model field's name
    required: bool = False,
) -> SurveyQuestion:
    """Add an HR admin's own question after the survey's others. It is asked from now on; answers given
    before are not affected."""
    survey = _program_survey(organization, program_id, survey_id)
    last = scoped(SurveyQuestion, organization).filter(survey=survey).aggregate(last=Max("position"))["last"]
    question = SurveyQuestion(
        organization=organization,
        survey=survey,
        position=(last + 1) if last is not None else 0,
        prompt=(prompt or "").strip(),
        type=type,
        code="",
        required=required,
    )
    question.full_clean()
    question.save()
    audit_record(organization=organization, actor=actor, verb="survey_question.create", target=question)
    return question


@transaction.atomic
def survey_question_remove(
    *, organization: Organization, actor: User | None, program_id: int, survey_id: int, question_id: int
) -> None:
    """Remove an admin's own question: it is no longer asked. Answers already given to it stay in their
    responses (keyed by the old question id) and count nowhere. Standard questions cannot be removed: the
    reports read them."""
    survey = _program_survey(organization, program_id, survey_id)
    question = get_scoped_or_404(
        SurveyQuestion.objects.select_for_update(), organization, pk=question_id, survey=survey
    )
    if question.is_standard:
        raise ValidationError(gettext("This is a standard question: the program's reports read it, so it stays."))
    audit_record(organization=organization, actor=actor, verb="survey_question.delete", target=question)
    question.delete()
