"""What a due reminder says, and whether it should still be sent at all.

`render(reminder, context)` returns a Message (subject, text, link, optional .ics) or a Skip with the reason
(the session moved, was logged, the milestone is done...). Times are written in the recipient's own time
zone, with the other person's local time beside them where they differ: remote pairs meet across zones.

Plain f-strings, no template engine: the dispatcher renders thousands of these a second.

Higher apps add kinds of their own (analytics: the check-in) with `register_kind`, so this app never
imports them (docs/architecture.md: registries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.urls import reverse

from matching.models import Match
from mentorhub.accounts.models import Employee
from programs.models import Participant

from . import flash_ics, ics
from .models import Goal, MentoringSession, PairingFitAnswer, Reminder
from .timeslots import moment_of, slot_of, zone_or_utc

K = Reminder.Kind

# Email categories a person can switch off (in-app notices always appear), and the kinds in each.
CATEGORIES = {
    "invitations": (
        "Session invitations and cancellations, with a calendar file",
        (K.SESSION_INVITE, K.SESSION_CANCELLED),
    ),
    "session_reminders": ("Reminders 24 hours and 1 hour before a session", (K.SESSION_24H, K.SESSION_1H)),
    "log_prompts": ("Asking you to log a session after it ended", (K.LOG_SESSION,)),
    "milestones": ("Milestones on their due date", (K.MILESTONE_DUE,)),
    "nudges": ("Nudges when your match has not met for a while", (K.INACTIVITY_NUDGE,)),
    "checkins": ("Check-in surveys", (K.CHECKIN_DUE,)),
    "fit_checks": ("Asking, after your first session, whether your match is a good fit", (K.FIT_CHECK,)),
    "escalations": ("For HR admins: matches that need attention", (K.NUDGE_ESCALATION, K.FIT_CONCERN)),
}
CATEGORY_OF_KIND: dict[str, str] = {kind: category for category, (_, kinds) in CATEGORIES.items() for kind in kinds}


@dataclass
class Message:
    subject: str
    body: str
    path: str  # the page it links to, on this site
    ics: bytes | None = None
    ics_method: str = ""


@dataclass
class Skip:
    reason: str


@dataclass
class Context:
    """What rendering a batch needs, loaded once for the batch by the dispatcher."""

    now: datetime
    members: dict[int, list[Employee]] = field(default_factory=dict)  # match id -> its current members
    slugs: dict[int, str] = field(default_factory=dict)  # organization id -> slug
    activity: dict[int, tuple[datetime | None, bool]] = field(default_factory=dict)  # match -> (last held, ahead?)


Renderer = Callable[[Reminder, Context], "Message | Skip"]
_EXTRA: dict[str, Renderer] = {}


def register_kind(kind: str, renderer: Renderer) -> None:
    """A higher app renders (and judges the relevance of) reminders of `kind`."""
    _EXTRA[kind] = renderer


def when(moment: datetime, zone_name: str) -> str:
    """“Mon 30 Mar 2026, 10:00 CEST (Europe/Berlin)”."""
    zone = zone_or_utc(zone_name)
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %Y, %H:%M} {local.tzname()} ({zone.key})"


def _others_local(moment: datetime, recipient: Employee, people: list[Employee]) -> str:
    """“ (15:00 for Ana Ruiz in Europe/London)” for every other person whose clock shows another time."""
    own = moment.astimezone(zone_or_utc(recipient.time_zone)).strftime("%H:%M %d %b")
    parts = []
    for person in people:
        if person.pk == recipient.pk:
            continue
        local = moment.astimezone(zone_or_utc(person.time_zone))
        if local.strftime("%H:%M %d %b") != own:
            parts.append(f"{local:%H:%M} {local.tzname()} for {person.name} in {person.time_zone}")
    return f" ({'; '.join(parts)})" if parts else ""


def _names(people: list[Employee], recipient: Employee) -> str:
    others = [p.name for p in people if p.pk != recipient.pk]
    return " and ".join(others) if len(others) <= 2 else ", ".join(others[:-1]) + " and " + others[-1]


def _path(name: str, slug: str, **kwargs: int) -> str:
    """reverse(), once per route and organization: the dispatcher writes thousands of links a second."""
    ((key, value),) = kwargs.items()
    # The id is the last number of the path (an organization's slug may hold the same digits).
    before, _, after = _path_template(name, slug, key).rpartition(PLACEHOLDER)
    return f"{before}{value}{after}"


PLACEHOLDER = "999999999"


@lru_cache(maxsize=256)
def _path_template(name: str, slug: str, key: str) -> str:
    return reverse(name, kwargs={"org_slug": slug, key: int(PLACEHOLDER)})


# --- Sessions ----------------------------------------------------------------------------------------------


def _session(reminder: Reminder, context: Context) -> Message | Skip:
    session = reminder.session
    assert session is not None, "a session reminder always has its session (planned with it; deleted with it)"
    recipient = reminder.recipient
    slug = context.slugs[reminder.organization_id]
    people = context.members.get(session.match_id, [])
    start = when(session.starts_at, recipient.time_zone) + _others_local(session.starts_at, recipient, people)
    path = _path("session-detail", slug, session_pk=session.pk)
    with_whom = _names(people, recipient) or "your match"
    where = f"\nWhere: {session.location}" if session.location else ""
    agenda = f"\n\nAgenda:\n{session.agenda}" if session.agenda else ""
    kind = reminder.kind

    if kind == K.SESSION_CANCELLED:
        if session.status != MentoringSession.Status.CANCELLED or reminder.slot != f"seq{session.sequence}":
            return Skip("The session changed again since.")
        reason = f"\nReason: {session.cancel_reason}" if session.cancel_reason else ""
        return Message(
            subject=f"Cancelled: mentoring session with {with_whom}",
            body=f"The session with {with_whom} on {start} is cancelled.{reason}\n\n"
            "The attached calendar file removes it from your calendar.",
            path=path,
            ics=ics.invitation_ics(session, people, slug),
            ics_method="CANCEL",
        )
    if session.status != MentoringSession.Status.SCHEDULED:
        return Skip(f"The session is {session.get_status_display().lower()}.")
    if session.match.status != Match.Status.ACTIVE:
        return Skip("The match is not active any more.")
    if kind == K.SESSION_INVITE:
        if reminder.slot != f"seq{session.sequence}":
            return Skip("A newer invitation replaces it.")
        if session.starts_at <= context.now:
            return Skip("The session has started.")
        changed = ("Updated: ", "The session was changed. ") if session.sequence else ("", "")
        return Message(
            subject=f"{changed[0]}Mentoring session with {with_whom}, {when(session.starts_at, recipient.time_zone)}",
            body=f"{changed[1]}Your mentoring session with {with_whom}:\n\n"
            f"When: {start}\nHow long: {session.duration_minutes} minutes\n"
            f"Format: {session.get_format_display()}{where}{agenda}\n\n"
            "The attached calendar file adds it to your calendar.",
            path=path,
            ics=ics.invitation_ics(session, people, slug),
            ics_method="REQUEST",
        )
    if reminder.slot != slot_of(session.starts_at):
        return Skip("The session moved.")
    if kind in (K.SESSION_24H, K.SESSION_1H):
        if session.starts_at <= context.now:
            return Skip("The session has started.")
        soon = "tomorrow" if kind == K.SESSION_24H else "in an hour"
        return Message(
            subject=f"Your mentoring session with {with_whom} is {soon}",
            body=f"A reminder: you meet {with_whom} {soon}.\n\nWhen: {start}\n"
            f"Format: {session.get_format_display()}{where}{agenda}",
            path=path,
        )
    if kind == K.LOG_SESSION:
        if session.ends_at > context.now:
            return Skip("The session has not ended yet.")
        return Message(
            subject=f"How did your session with {with_whom} go?",
            body=f"Your session with {with_whom} on {start} has ended. Log it as held (or missed), add shared "
            "notes, and rate it for yourself: it takes a minute, and your private reflection is yours alone.",
            path=path,
        )
    return Skip(f"Unknown session reminder {kind}.")


# --- Milestones ---------------------------------------------------------------------------------------------


def _milestone(reminder: Reminder, context: Context) -> Message | Skip:
    milestone = reminder.milestone
    assert milestone is not None, "a milestone reminder always has its milestone (planned with it; deleted with it)"
    goal = milestone.goal
    if milestone.is_done:
        return Skip("Done already.")
    if goal.status == Goal.Status.DONE:
        return Skip("The goal is done.")
    if milestone.due_on is None or reminder.slot != milestone.due_on.isoformat():
        return Skip("The due date changed.")
    # Loaded with the reminder (select_related): no query, None when the goal has no match or owner.
    if goal.match is not None and goal.match.status != Match.Status.ACTIVE:
        return Skip("The match is over.")
    if goal.participant is not None and goal.participant.status == Participant.Status.WITHDRAWN:
        return Skip("Its owner left the program.")
    slug = context.slugs[reminder.organization_id]
    return Message(
        subject=f"Milestone due today: {milestone.title}",
        body=f"“{milestone.title}”, a milestone of your goal “{goal.title}”, is due today "
        f"({milestone.due_on:%a %d %b %Y}). Tick it off when it is done, or talk it over at your next session.",
        path=_path("goal-detail", slug, goal_pk=goal.pk),
    )


# --- Inactivity -------------------------------------------------------------------------------------------


def _quiet(reminder: Reminder, context: Context) -> Message | Skip:
    match = reminder.match
    assert match is not None, "an inactivity reminder always has its match (planned with it; deleted with it)"
    if match.status != Match.Status.ACTIVE:
        return Skip("The match is not active any more.")
    last_held, ahead = context.activity.get(match.pk, (None, False))
    since = moment_of(reminder.slot)
    if ahead:
        return Skip("A session is scheduled.")
    if last_held is not None and last_held > since:
        return Skip("A session was held since.")
    slug = context.slugs[reminder.organization_id]
    recipient = reminder.recipient
    people = context.members.get(match.pk, [])
    days = (context.now - since).days
    if reminder.kind == K.NUDGE_ESCALATION:
        names = " and ".join(p.name for p in people)
        return Message(
            subject=f"A match in {match.program.name} has not met for {days} days",
            body=f"{names} ({match.program.name}) have held no session for {days} days, and two nudges went "
            "unanswered. You may want to check in with them, or end the match and offer a new one.",
            path=_path("program-mentoring", slug, program_pk=match.program_id),
        )
    return Message(
        subject=f"It has been {days} days since you met {_names(people, recipient)}",
        body=f"Your match with {_names(people, recipient)} in {match.program.name} has not met for {days} days. "
        f"The program suggests {match.program.cadence_per_month} session(s) a month: pick a time that suits "
        "you both. If the match does not work out, you can end it and ask for another.",
        path=_path("mentoring-match", slug, match_pk=match.pk),
    )


# --- The pairing-fit check (sessions/services/pairing_fit.py) ----------------------------------------------


def _fit(reminder: Reminder, context: Context) -> Message | Skip:
    """The question to a member (the same words to everyone, before anyone answered), or a member's "no" to
    the program's admins. Read at sending time: an answer given or changed since decides."""
    match = reminder.match
    assert match is not None, "a fit reminder always has its match (planned with it; deleted with it)"
    if match.status != Match.Status.ACTIVE:
        return Skip("The match is not active any more.")
    slug = context.slugs[reminder.organization_id]
    recipient = reminder.recipient
    people = context.members.get(match.pk, [])
    answers = PairingFitAnswer.objects.filter(organization_id=reminder.organization_id, match_id=match.pk)
    if reminder.kind == K.FIT_CHECK:
        if answers.filter(author_id=recipient.pk).exists():
            return Skip("Answered already.")
        return Message(
            subject=f"Is {_names(people, recipient) or 'your match'} a good match for you?",
            body=f"You have held your first session in {match.program.name}. Is this a good match for you? "
            "Answer yes, not sure or no on your match's page: your answer is private. Only the program's HR "
            'admins hear of a "no", never the others in your match, and a "no" is nobody\'s fault: you can '
            "ask for a new match.",
            path=_path("mentoring-match", slug, match_pk=match.pk) + "#fit-h",
        )
    author_id = int(reminder.slot.removeprefix("no-e"))
    answer = answers.filter(author_id=author_id, answer=PairingFitAnswer.Answer.NO).select_related("author").first()
    if answer is None:
        return Skip("The answer is no longer no.")
    names = " and ".join(p.name for p in people)
    comment = f"\n\nTheir comment for you:\n{answer.comment}" if answer.comment else ""
    return Message(
        subject=f"{answer.author.name} says their match in {match.program.name} is not a good fit",
        body=f'After the first session, {answer.author.name} answered "no" to "Is this a good match for '
        f'you?" about their match ({names}) in {match.program.name}.{comment}\n\nThe others in the match do '
        "not know. You may want to talk to them, or end the match without fault and offer a new one.",
        path=_path("program-mentoring", slug, program_pk=match.program_id),
    )


_BUILT_IN: dict[str, Renderer] = {
    K.SESSION_INVITE: _session,
    K.SESSION_CANCELLED: _session,
    K.SESSION_24H: _session,
    K.SESSION_1H: _session,
    K.LOG_SESSION: _session,
    K.MILESTONE_DUE: _milestone,
    K.INACTIVITY_NUDGE: _quiet,
    K.NUDGE_ESCALATION: _quiet,
    K.FIT_CHECK: _fit,
    K.FIT_CONCERN: _fit,
}


# --- Flash bookings ---------------------------------------------------------------------------------------


def _booking(reminder: Reminder, context: Context) -> Message | Skip:
    """A flash booking's invitation, reminders and cancellation: the session kinds, said of a one-off
    session in a mentor's office hours (no match)."""
    booking = reminder.booking
    assert booking is not None, "a booking reminder always has its booking (planned with it; deleted with it)"
    slot, recipient = booking.slot, reminder.recipient
    slug = context.slugs[reminder.organization_id]
    people = flash_ics.booking_people(booking)
    with_whom = _names(people, recipient)
    start = when(slot.starts_at, recipient.time_zone) + _others_local(slot.starts_at, recipient, people)
    path = _path("flash-browse", slug, program_pk=booking.program_id)
    where = f"\nWhere: {slot.location}" if slot.location else ""
    kind = reminder.kind
    if kind == K.SESSION_CANCELLED:
        if not flash_ics.booking_is_off(booking) or reminder.slot != f"seq{booking.sequence}":
            return Skip("The booking changed again since.")
        return Message(
            subject=f"Cancelled: flash mentoring with {with_whom}",
            body=f"The flash mentoring session with {with_whom} on {start} is cancelled.\n\n"
            "The attached calendar file removes it from your calendar.",
            path=path,
            ics=flash_ics.booking_invitation_ics(booking, slug),
            ics_method="CANCEL",
        )
    if flash_ics.booking_is_off(booking):
        return Skip("The booking is cancelled.")
    if slot.starts_at <= context.now:
        return Skip("The session has started.")
    if kind == K.SESSION_INVITE:
        return Message(
            subject=f"Flash mentoring with {with_whom}, {when(slot.starts_at, recipient.time_zone)}",
            body=f"A flash mentoring session with {with_whom}:\n\nWhen: {start}\n"
            f"How long: {slot.duration_minutes} minutes\nTopics: {slot.topics}{where}\n\n"
            "The attached calendar file adds it to your calendar.",
            path=path,
            ics=flash_ics.booking_invitation_ics(booking, slug),
            ics_method="REQUEST",
        )
    if kind in (K.SESSION_24H, K.SESSION_1H):
        if reminder.slot != slot_of(slot.starts_at):
            return Skip("The session moved.")
        soon = "tomorrow" if kind == K.SESSION_24H else "in an hour"
        return Message(
            subject=f"Your flash mentoring session with {with_whom} is {soon}",
            body=f"A reminder: you meet {with_whom} {soon}.\n\nWhen: {start}\nTopics: {slot.topics}{where}",
            path=path,
        )
    return Skip(f"Unknown booking reminder {kind}.")


def render(reminder: Reminder, context: Context) -> Message | Skip:
    if reminder.booking_id is not None:
        return _booking(reminder, context)
    renderer = _BUILT_IN.get(reminder.kind) or _EXTRA.get(reminder.kind)
    if renderer is None:
        return Skip(f"No renderer for {reminder.kind}.")
    return renderer(reminder, context)
