"""The demo's survey answers: check-ins every 30 days of a match and the closing survey at its end, for the
past cohort and for acme's current programs.

How people answer follows how their match went (content.EXPERIENCE): most are positive, some neutral, a few
negative; pairs that went quiet answer less often and lower, and matches that later ended early answer lower
in their last months. Past rounds are history, written in bulk with their final state (answered with the
response, or expired). What is due now is asked by the survey planner itself (`surveys_plan`): the latest
check-in round of every active match and the closing survey of matches that ended lately, each with its
CHECKIN_DUE reminder. Those reminders went out when they came due (rendered by the analytics renderer, with
their in-app notice); people answered the ones due a while ago, mostly, and some of the newest are still
open, the demo member's among them (her home page asks her to answer it).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from analytics.models import Survey, SurveyAssignment, SurveyQuestion, SurveyResponse
from analytics.question_sets import CHECKIN, CLOSING
from analytics.services.surveys import survey_for, surveys_plan
from analytics.survey_schedule import CLOSING_LOOKBACK, OPEN_FOR, checkin_due_at, checkin_round_due, checkin_slot
from demo.programs import DEMO_MEMBER_EMAIL
from demo.sessions.content import PROGRAMS
from demo.sessions.delivery import Sent
from demo.sessions.history import insert, match_ended, match_started
from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped
from programs.models import Program
from sessions.models import MentoringSession, Notification, Reminder

from .cohort import Cohort
from .content import (
    ANSWERS_CHECKIN,
    ANSWERS_CLOSING,
    CHECKIN_COMMENT_SHARE,
    CHECKIN_COMMENTS,
    CHECKIN_SCORES,
    CLOSING_ANSWERS,
    CLOSING_COMMENT_SHARE,
    CLOSING_COMMENTS,
    EXPERIENCE,
)

A = SurveyAssignment.Status
# The current programs' few early ends: their people all answered the closing survey (but the newest), so that
# their answers are never a group of fewer than five that the past cohort's figures would reveal by difference.
CURRENT_CLOSINGS = 1.0
LOWER = {"great": "good", "good": "mixed", "mixed": "poor", "poor": "poor"}
HIGHER = {"great": "great", "good": "great", "mixed": "good", "poor": "mixed"}
T = TypeVar("T")


def _pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def experience(rng: random.Random, story: str) -> str:
    """How the match went for one person: drawn for the match's story, now and then a step better (or, but
    for thriving pairs, worse)."""
    felt = _pick(rng, EXPERIENCE[story])
    roll = rng.random()
    if roll < 0.1:
        return felt if story == "thriving" else LOWER[felt]
    return HIGHER[felt] if roll < 0.2 else felt


class Questions:
    """A survey's standard questions by code, and answers keyed by question id as the answer pages store them."""

    def __init__(self, organization: Organization, survey: Survey) -> None:
        self.survey = survey
        self.ids = {
            code: str(pk)
            for code, pk in scoped(SurveyQuestion, organization).filter(survey=survey).values_list("code", "pk")
            if code
        }

    def checkin(self, rng: random.Random, felt: str) -> dict:
        answers: dict[str, int | str] = {self.ids["going_well"]: _pick(rng, CHECKIN_SCORES[felt])}
        if rng.random() < CHECKIN_COMMENT_SHARE:
            answers[self.ids["checkin_comment"]] = rng.choice(CHECKIN_COMMENTS[felt])
        return answers

    def closing(self, rng: random.Random, felt: str) -> dict:
        answers: dict[str, int | str] = {
            self.ids[code]: _pick(rng, weights) for code, weights in CLOSING_ANSWERS[felt].items()
        }
        if rng.random() < CLOSING_COMMENT_SHARE:
            answers[self.ids["closing_comment"]] = rng.choice(CLOSING_COMMENTS[felt])
        return answers


@dataclass
class History:
    """Assignments with their final state and the responses to them, written in bulk."""

    organization: Organization
    assignments: list[SurveyAssignment] = field(default_factory=list)
    responses: list[SurveyResponse] = field(default_factory=list)

    def ask(
        self,
        questions: Questions,
        match: Match,
        respondent: Employee,
        round_: int,
        due_at: datetime,
        answered_at: datetime | None,
        answers: dict,
        closes_at: datetime,
    ) -> None:
        # The planner runs hourly: the assignment was made within the hour after it came due.
        assignment = SurveyAssignment(
            organization=self.organization,
            survey=questions.survey,
            program_id=match.program_id,
            match=match,
            respondent=respondent,
            round=round_,
            due_at=due_at,
            status=A.ANSWERED if answered_at else A.EXPIRED,
            answered_at=answered_at,
            created_at=due_at + timedelta(minutes=(respondent.pk * 7) % 59 + 1),
        )
        if answered_at is not None and answered_at >= closes_at:
            assignment.status, assignment.answered_at = A.EXPIRED, None
        self.assignments.append(assignment)
        if assignment.answered_at is not None:
            self.responses.append(
                SurveyResponse(
                    organization=self.organization,
                    assignment=assignment,
                    survey=questions.survey,
                    program_id=match.program_id,
                    answers=answers,
                    submitted_at=assignment.answered_at,
                )
            )

    def save(self) -> None:
        insert(SurveyAssignment, self.assignments)
        insert(SurveyResponse, self.responses, ("submitted_at",))


def answered_after(rng: random.Random, due_at: datetime, latest: datetime) -> datetime | None:
    """When someone who answers does: mostly within a few days of the reminder; None if only after `latest`."""
    moment = due_at + timedelta(hours=rng.uniform(0.5, 8)) + timedelta(days=rng.expovariate(1 / 2.5))
    return moment if moment < latest else None


# --- The past cohort ---------------------------------------------------------------------------------------


def seed_past_surveys(organization: Organization, cohort: Cohort, rng: random.Random) -> History:
    """Check-ins every 30 days and the closing survey of Grow Together 2025, long answered or expired."""
    program = cohort.program
    checkins = Questions(organization, survey_for(organization=organization, program=program, kind=CHECKIN))
    closings = Questions(organization, survey_for(organization=organization, program=program, kind=CLOSING))
    history = History(organization)
    for plan in cohort.plans:
        match, story = plan.match, cohort.story[plan.match.pk]
        _match_surveys(
            history, checkins, closings, match, story, plan.people, cohort.departures, rng, last_held=plan.last_held()
        )
    history.save()
    return history


def _match_surveys(
    history: History,
    checkins: Questions,
    closings: Questions,
    match: Match,
    story: str,
    people: list[Employee],
    departures: dict,
    rng: random.Random,
    *,
    last_held: datetime | None = None,
    until: datetime | None = None,
    closing: bool = True,
    closing_share: float | None = None,
    felt: dict | None = None,
) -> None:
    """Every check-in round of a match up to its end (or `until`), and its closing survey. `felt` keeps how
    it went for each person, {(match id, employee id): experience}, for their answers still to come."""
    ended = match.ended_at
    stop = min(t for t in (ended, until) if t is not None)
    felt = {} if felt is None else felt
    for person in people:
        felt[match.pk, person.pk] = experience(rng, story)
    round_, started = 1, match_started(match)
    while (due := checkin_due_at(started, round_)) < stop:
        # Before a match went quiet or ended early, it went well enough; it is the last months that tell.
        fading = story in ("quiet", "ended") and (last_held is None or due > last_held + timedelta(days=20))
        early = story in ("quiet", "ended") and not fading and round_ == 1
        share = ANSWERS_CHECKIN[story] if fading or story not in ("quiet", "ended") else ANSWERS_CHECKIN["steady"]
        for person in people:
            left = departures.get(person.pk)
            if left is not None and left <= due.date():
                continue
            mood = "good" if early else felt[match.pk, person.pk]
            answered = answered_after(rng, due, due + OPEN_FOR) if rng.random() < share else None
            history.ask(checkins, match, person, round_, due, answered, checkins.checkin(rng, mood), due + OPEN_FOR)
        round_ += 1
    if not closing or ended is None:
        return
    for person in people:
        left = departures.get(person.pk)
        if left is not None and left <= ended.date():
            continue  # someone who has left is not asked
        share = ANSWERS_CLOSING[story] if closing_share is None else closing_share
        answered = answered_after(rng, ended, ended + OPEN_FOR) if rng.random() < share else None
        history.ask(
            closings,
            match,
            person,
            0,
            ended,
            answered,
            closings.closing(rng, felt[match.pk, person.pk]),
            ended + OPEN_FOR,
        )


# --- The current programs ----------------------------------------------------------------------------------


def _stories(organization: Organization, matches: list[Match], now: datetime) -> tuple[dict, dict]:
    """{match id: story} read from the mentoring history (ended early, nudged for going quiet, or meeting at
    about the program's cadence or less), and {match id: last held session}."""
    nudged = set(
        scoped(Reminder, organization)
        .filter(kind=Reminder.Kind.INACTIVITY_NUDGE, match_id__in=[m.pk for m in matches])
        .values_list("match_id", flat=True)
    )
    held: dict[int, list[datetime]] = {}
    for match_id, starts_at in (
        scoped(MentoringSession, organization)
        .filter(match__in=matches, status=MentoringSession.Status.HELD)
        .values_list("match_id", "starts_at")
    ):
        held.setdefault(match_id, []).append(starts_at)
    stories = {}
    for match in matches:
        if match.status == Match.Status.ENDED:
            stories[match.pk] = "ended"
        elif match.pk in nudged:
            stories[match.pk] = "quiet"
        else:
            months = max(1.0, (now - match_started(match)).days / 30.44)
            rate = len(held.get(match.pk, [])) / months
            stories[match.pk] = "thriving" if rate >= 0.8 * match.program.cadence_per_month else "steady"
    return stories, {pk: max(times) for pk, times in held.items()}


def seed_current_surveys(organization: Organization, rng: random.Random, now: datetime) -> dict[str, int]:
    programs = list(scoped(Program, organization).filter(name__in=PROGRAMS, status=Program.Status.ACTIVE))
    matches = list(
        scoped(Match, organization)
        .filter(program__in=programs, status__in=[Match.Status.ACTIVE, Match.Status.ENDED], started_at__isnull=False)
        .select_related("program")
        .order_by("id")
    )
    ended = {m.pk for m in matches if m.status == Match.Status.ENDED}
    people: dict[int, list[Employee]] = {}
    for member in (
        scoped(MatchMember, organization)
        .filter(match__in=matches)
        .exclude(response=MatchMember.Response.DECLINED)
        .select_related("participant__employee")
        .order_by("match_id", "role", "id")
    ):
        if member.current or member.match_id in ended:  # an ended match's people as they were at its end
            people.setdefault(member.match_id, []).append(member.participant.employee)
    stories, last_held = _stories(organization, matches, now)
    questions = {
        (program.pk, kind): Questions(organization, survey_for(organization=organization, program=program, kind=kind))
        for program in programs
        for kind in (CHECKIN, CLOSING)
    }
    # History: every round before the latest one due, and closing surveys of matches that ended long ago.
    history = History(organization)
    felt: dict[tuple[int, int], str] = {}  # (match id, employee id) -> experience
    for match in matches:
        active = match.status == Match.Status.ACTIVE
        started = match_started(match)  # matches filtered on started_at__isnull=False
        until = checkin_due_at(started, checkin_round_due(started, now)) if active else None
        _match_surveys(
            history, questions[match.program_id, CHECKIN], questions[match.program_id, CLOSING], match,
            stories[match.pk], people.get(match.pk, []), {}, rng,
            last_held=last_held.get(match.pk), until=until,
            closing=not active and match_ended(match) < now - CLOSING_LOOKBACK, closing_share=CURRENT_CLOSINGS,
            felt=felt,
        )  # fmt: skip
    history.save()
    # What is due now: asked by the planner, as beat would have asked it.
    surveys_plan(organization=organization, now=now)
    latest = _answer_latest(organization, stories, felt, people, questions, rng, now)
    return {"history": len(history.assignments), **latest}


def _answer_latest(
    organization: Organization,
    stories: dict,
    felt: dict,
    people: dict,
    questions: dict[tuple[int, str], Questions],
    rng: random.Random,
    now: datetime,
) -> dict[str, int]:
    """The planner's reminders went out when due (the assignments were open then); those due a while ago were
    mostly answered since, the newest less often. The demo member has not answered hers yet."""
    fresh = list(
        scoped(SurveyAssignment, organization)
        .filter(status=A.OPEN, due_at__lte=now)
        .select_related("match", "respondent")
        .order_by("id")
    )
    pending = (
        scoped(Reminder, organization)
        .filter(kind=Reminder.Kind.CHECKIN_DUE, status=Reminder.Status.PENDING, due_at__lte=now)
        .select_related("recipient", "match")
        .order_by("id")
    )

    # Made by the hourly planning right after they came due (the planner ran at `now` here).
    def planned(due_at: datetime, employee_id: int) -> datetime:
        return min(due_at + timedelta(minutes=(employee_id * 7) % 59 + 1), now - timedelta(minutes=2))

    for assignment in fresh:
        assignment.created_at = planned(assignment.due_at, assignment.respondent_id)
    SurveyAssignment.objects.bulk_update(fresh, ["created_at"], batch_size=500)
    rows = list(pending)
    sent = Sent(organization)
    for row in rows:
        row.created_at = planned(row.due_at, row.recipient_id)
        sent.deliver(row, seen={"match": row.match}, people=people.get(row.match_id, []))
    Reminder.objects.bulk_update(
        rows, ["status", "attempts", "emailed", "sent_at", "note", "created_at"], batch_size=500
    )
    notice_of: dict[tuple[int, int | None, str], Notification] = {}
    for delivered in sent.notices:
        reminder = delivered.reminder
        assert reminder is not None, "Sent.deliver links each notice to its reminder"
        notice_of[delivered.recipient_id, reminder.match_id, reminder.slot] = delivered

    answered, still_open, responses = [], 0, []
    for assignment in fresh:
        story = stories.get(assignment.match_id, "steady")
        survey_kind = CLOSING if assignment.round == 0 else CHECKIN
        asked = questions.get((assignment.program_id, survey_kind))
        waited = now - assignment.due_at
        share = CURRENT_CLOSINGS if survey_kind == CLOSING else ANSWERS_CHECKIN[story]
        if waited < timedelta(days=2 if survey_kind == CLOSING else 6):
            share *= 0.45  # only just asked
        demo = assignment.respondent.email == DEMO_MEMBER_EMAIL  # she has seen the notice, and not answered yet
        moment = None
        if asked is not None and not demo and rng.random() < share:
            moment = answered_after(rng, assignment.due_at, now - timedelta(minutes=30))
        notice = notice_of.get((assignment.respondent_id, assignment.match_id, checkin_slot(assignment.round)))
        if moment is None:
            still_open += 1
            if notice is not None and not demo:
                notice.read_at = None  # not opened yet
            elif notice is not None:
                read_at = notice.read_at
                assert read_at is not None, "Sent.deliver dates when each notice was read"
                notice.read_at = min(read_at, now - timedelta(minutes=1))
            continue
        assert asked is not None  # an answer is drawn only for a survey the program has
        mood = felt.get((assignment.match_id, assignment.respondent_id)) or experience(rng, story)
        assignment.status, assignment.answered_at = A.ANSWERED, moment
        answered.append(assignment)
        answers = asked.closing(rng, mood) if survey_kind == CLOSING else asked.checkin(rng, mood)
        responses.append(
            SurveyResponse(
                organization=organization,
                assignment=assignment,
                survey_id=assignment.survey_id,
                program_id=assignment.program_id,
                answers=answers,
                submitted_at=moment,
            )
        )
        if notice is not None and notice.read_at and notice.read_at > moment:
            notice.read_at = max(notice.created_at, moment) + timedelta(minutes=2)  # opened when answering
    for notice in sent.notices:
        if notice.read_at and notice.read_at > now:
            notice.read_at = now - timedelta(minutes=1) if notice.recipient.email == DEMO_MEMBER_EMAIL else None
    SurveyAssignment.objects.bulk_update(answered, ["status", "answered_at"], batch_size=500)
    insert(SurveyResponse, responses, ("submitted_at",))
    insert(Notification, sent.notices)
    return {"asked now": len(fresh), "answered since": len(answered), "open": still_open}
