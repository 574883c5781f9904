"""Reminders and notices of the demo history, and what lies ahead. Past reminder rows are rendered as the
dispatcher would have rendered them when they came due (sent with their in-app notice, or skipped), keyed
exactly as the planner keys them; the early ends, the next sessions and the milestone reminders still ahead go
through the services, which plan their pending rows themselves."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from demo.audit_history import audit_history_writable
from matching.models import ExcludedPair, Match
from matching.services.lifecycle import match_end_early
from mentorhub.accounts.models import AuditEvent, Employee, Membership, Organization
from mentorhub.tenancy import scoped
from programs.models import Participant
from sessions import messages
from sessions.models import Goal, MentoringSession, Milestone, Notification, Reminder
from sessions.services.reminders import (
    LOG_PROMPT_AFTER,
    NUDGE_INTERVAL,
    SESSION_BEFORE,
    allowed_gap,
    local_morning,
    reminders_plan_milestone,
    target_label,
)
from sessions.services.sessions import session_schedule
from sessions.timeslots import key_of, slot_of

from .content import AGENDAS, DEMO_AGENDA, END_REASONS, QUIET, THRIVING
from .history import Plan, at, due_on, insert, logged_at

K = Reminder.Kind
S = MentoringSession.Status


# --- Reminders that went out -------------------------------------------------------------------------------


@dataclass
class Sent:
    """Past reminder rows, each rendered as the dispatcher would have rendered it at its due time: sent (with
    its in-app notice, read since) or skipped with the reason."""

    organization: Organization
    reminders: list[Reminder] = field(default_factory=list)
    notices: list[Notification] = field(default_factory=list)

    def add(
        self,
        row: Reminder,
        *,
        planned: datetime,
        seen: dict,
        people: list[Employee],
        activity: dict | None = None,
        skip: str = "",
    ) -> None:
        """A row planned at `planned`; skipped for `skip`, else delivered when it came due."""
        row.organization, row.created_at = self.organization, planned
        self.reminders.append(row)
        if skip:
            row.status, row.note = Reminder.Status.SKIPPED, skip
        else:
            self.deliver(row, seen=seen, people=people, activity=activity)

    def deliver(self, row: Reminder, *, seen: dict, people: list[Employee], activity: dict | None = None) -> None:
        """Render the row as the dispatcher did when it came due; `seen` is its target as it was then (a
        session still scheduled, a match still active). Sent with its notice (read since), or skipped."""
        shown = copy.copy(row)
        for name, value in seen.items():
            setattr(shown, name, value)
        target = shown.session.match_id if shown.session is not None else shown.match_id
        context = messages.Context(
            now=row.due_at,
            members={target: people} if target else {},
            slugs={self.organization.pk: self.organization.slug},
            activity=activity or {},
        )
        message = messages.render(shown, context)
        if isinstance(message, messages.Skip):
            row.status, row.note = Reminder.Status.SKIPPED, message.reason[:300]
            return
        row.status, row.attempts, row.emailed = Reminder.Status.SENT, 1, bool(row.recipient.email)
        row.sent_at = max(row.due_at, row.created_at) + timedelta(seconds=40)
        self.notices.append(
            Notification(
                organization=self.organization,
                recipient=row.recipient,
                kind=row.kind,
                title=message.subject[:200],
                body=message.body[:4000],
                url=message.path,
                reminder=row,
                created_at=row.sent_at,
                read_at=row.sent_at + timedelta(hours=3),
            )
        )

    def save(self) -> None:
        insert(Reminder, self.reminders)
        insert(Notification, self.notices)


def _row(kind: str, recipient: Employee, due: datetime, slot: str, **link) -> Reminder:
    """A reminder row with the key sessions/services/reminders.py gives it (so planning it again adds nothing)."""
    key = key_of(kind, target_label(**link), recipient.pk, slot)
    return Reminder(kind=kind, recipient=recipient, due_at=due, slot=slot, key=key, **link)


def _active(match: Match) -> Match:
    shown = copy.copy(match)
    shown.status = Match.Status.ACTIVE
    return shown


def add_nudges(plan: Plan, sent: Sent, admins: list[Employee], rng: random.Random, now: datetime) -> None:
    """What the inactivity planner sent a quiet match: a nudge to its people, a second a week later, then the
    program admin heard. Also when the match was ended, for those that were."""
    last = plan.last_held()
    since = max(plan.started, last) if last else plan.started
    period, first = slot_of(since), since + allowed_gap(plan.program)
    steps = [("#1", first)] if plan.story == QUIET else [("#1", first), ("#2", first + NUDGE_INTERVAL)]
    if plan.escalated:
        steps.append(("#admin", first + 2 * NUDGE_INTERVAL))
    seen, activity = {"match": _active(plan.match)}, {plan.match.pk: (last, False)}
    for suffix, due in steps:
        kind, recipients = (K.NUDGE_ESCALATION, admins) if suffix == "#admin" else (K.INACTIVITY_NUDGE, plan.people)
        for person in recipients:
            row = _row(kind, person, due, f"{period}{suffix}", match=plan.match)
            sent.add(
                row,
                planned=due + timedelta(minutes=rng.randint(1, 59)),  # by the next hourly planning
                seen=seen,
                people=plan.people,
                activity=activity,
            )
    if plan.end:
        after = timedelta(days=rng.uniform(2, 8) if plan.escalated else rng.uniform(1, 5))
        plan.ended_at = min(steps[-1][1] + after, now - timedelta(days=1))


def add_session_reminders(plan: Plan, sent: Sent) -> None:
    """Invitations, reminders and log prompts of past sessions: sent, or skipped once the session was logged
    or cancelled (and the cancellation sent to the others)."""
    for session in plan.sessions:
        planned = session.created_at
        as_planned = copy.copy(session)
        as_planned.status, as_planned.sequence, as_planned.match = S.SCHEDULED, 0, _active(plan.match)
        slot = slot_of(session.starts_at)
        change = "Cancelled." if session.status == S.CANCELLED else "Logged."
        for person in plan.people:
            rows = [_row(K.SESSION_INVITE, person, planned, "seq0", session=session)]
            for kind, before in SESSION_BEFORE.items():
                if session.starts_at - before > planned:
                    rows.append(_row(kind, person, session.starts_at - before, slot, session=session))
            rows.append(_row(K.LOG_SESSION, person, session.ends_at + LOG_PROMPT_AFTER, slot, session=session))
            for row in rows:
                late = row.kind != K.SESSION_INVITE and row.due_at >= logged_at(session)
                sent.add(
                    row, planned=planned, seen={"session": as_planned}, people=plan.people, skip=change if late else ""
                )
            if session.status == S.CANCELLED and person.pk != session.logged_by_id:
                row = _row(K.SESSION_CANCELLED, person, logged_at(session), "seq1", session=session)
                sent.add(row, planned=logged_at(session), seen={"session": session}, people=plan.people)


def _owners(plan: Plan, goal: Goal) -> list[Employee]:
    """Whose goal it is: the match's (its people) or one participant's own."""
    if goal.match_id:
        return plan.people
    participant = goal.participant
    assert participant is not None, "a goal without a match is one participant's own"
    return [participant.employee]


def add_milestone_reminders(plan: Plan, milestones: list[Milestone], sent: Sent, now: datetime) -> None:
    """Milestone reminders that came due: sent at 09:00 in each owner's zone, skipped if ticked off before."""
    for milestone in milestones:
        goal = milestone.goal
        as_then = copy.copy(milestone)
        as_then.done_at, as_then.goal = None, copy.copy(goal)
        as_then.goal.status = Goal.Status.ON_TRACK
        if goal.match_id:
            as_then.goal.match = _active(plan.match)
        for person in _owners(plan, goal):
            due = local_morning(due_on(milestone), person.time_zone).astimezone(UTC)
            if not milestone.created_at < due < now:
                continue
            slot = due_on(milestone).isoformat()
            row = _row(K.MILESTONE_DUE, person, due, slot, milestone=milestone)
            done_first = milestone.done_at is not None and milestone.done_at < due
            sent.add(
                row,
                planned=milestone.created_at,
                seen={"milestone": as_then},
                people=plan.people,
                skip="Done." if done_first else "",
            )


# --- What is still ahead, through the services ------------------------------------------------------------


def end_early(organization: Organization, admin: Membership, plan: Plan, rng: random.Random) -> None:
    """End the match through the service (everything that follows, follows), then date it when it happened."""
    by_hr = plan.end == "hr"
    match_end_early(
        organization=organization,
        actor=admin.user if by_hr else None,
        match_id=plan.match.pk,
        reason=rng.choice(END_REASONS[plan.end]),
        employee=None if by_hr else rng.choice(plan.people),
        rematch=False,
    )
    when = plan.ended_at
    assert when is not None, "add_nudges dates the end of every match that ends early"
    scoped(Match, organization).filter(pk=plan.match.pk).update(ended_at=when, updated_at=when)
    with audit_history_writable() as writable:
        if writable:
            scoped(AuditEvent, organization).filter(
                verb="match.end_early", target_type="matching.match", target_id=str(plan.match.pk)
            ).update(created_at=when)
    scoped(ExcludedPair, organization).filter(reason=f"Match {plan.match.pk} ended early").update(created_at=when)
    url = reverse("mentoring-match", kwargs={"org_slug": organization.slug, "match_pk": plan.match.pk})
    scoped(Notification, organization).filter(kind=Notification.MATCH_UPDATE, url=url).update(
        created_at=when, read_at=when + timedelta(hours=5)
    )
    ids = [m.participant_id for m in (plan.lead, *plan.followers)]
    scoped(Participant, organization).filter(pk__in=ids).update(updated_at=when)


def book_next(organization: Organization, plan: Plan, rng: random.Random, now: datetime) -> MentoringSession:
    """The next session, scheduled through the service some time after the last one, so its reminders are
    planned as pending rows. Its invitations went out then (sent; read by whoever booked it)."""
    last = max((s.ends_at for s in plan.sessions), default=plan.started)
    booked = min(last + timedelta(minutes=rng.uniform(5, 36 * 60)), now - timedelta(hours=2))
    ahead = 2 if plan.demo else rng.randint(2, 9) if plan.story == THRIVING else rng.randint(4, 18)
    day = timezone.localdate(now) + timedelta(days=ahead)
    while (day.weekday() > 4) if plan.demo else (day.weekday() != plan.weekday):
        day += timedelta(days=1)
    starts = at(day, plan.local, plan.zone)
    if starts < now + timedelta(hours=30):  # the 24-hour reminder is still ahead
        starts = at(day + timedelta(days=7), plan.local, plan.zone)
    scheduler = plan.lead.participant.employee if plan.demo or rng.random() < 0.7 else rng.choice(plan.people)
    agenda = DEMO_AGENDA if plan.demo else rng.choice(AGENDAS) if rng.random() < 0.4 else ""
    session = session_schedule(
        organization=organization,
        actor=None,
        employee=scheduler,
        match_id=plan.match.pk,
        starts_at=starts,
        duration_minutes=plan.duration,
        format=plan.format,
        location=plan.location,
        agenda=agenda,
        time_zone=plan.zone,
        now=booked,
    )
    session.created_at = session.updated_at = booked
    MentoringSession.objects.bulk_update([session], ["created_at", "updated_at"])
    scoped(Reminder, organization).filter(session=session).update(created_at=booked)
    invites = list(
        scoped(Reminder, organization)
        .filter(session=session, kind=K.SESSION_INVITE, status=Reminder.Status.PENDING)
        .select_related("recipient")
    )
    sent = Sent(organization)
    for invite in invites:
        sent.deliver(invite, seen={"session": session}, people=plan.people)
    for notice in sent.notices:
        if notice.recipient_id != scheduler.pk:
            notice.read_at = None  # the others have not opened theirs yet
    Reminder.objects.bulk_update(invites, ["status", "attempts", "emailed", "sent_at", "note"])
    insert(Notification, sent.notices)
    return session


def plan_milestones(organization: Organization, plans: list[Plan], milestones: list[Milestone], now: datetime) -> None:
    """Reminders of open milestones still ahead, planned by the service as pending rows."""
    owners_of = {}
    for plan in plans:
        for goal in plan.goals:
            if not plan.end and goal.status != Goal.Status.DONE:
                owners_of[goal.pk] = _owners(plan, goal)
    today = timezone.localdate(now)
    for milestone in milestones:
        owners = owners_of.get(milestone.goal_id)
        if owners and milestone.done_at is None and due_on(milestone) > today:
            reminders_plan_milestone(organization=organization, milestone=milestone, recipients=owners)
