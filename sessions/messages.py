"""What a due reminder says, and whether it should still be sent at all.

`render(reminder, context)` returns a Message (subject, text, link, optional .ics) or a Skip with the reason
(the session moved, was logged, the milestone is done...). Times are written in the recipient's own time
zone, with the other person's local time beside them where they differ: remote pairs meet across zones.

No template engine here: the dispatcher renders thousands of these a second. Each text is a translation call
(rendered inside `translation.override(<the recipient's language>)` by the dispatcher) with named placeholders;
dates and times follow the language (`when`). The email around a message (greeting, button, footer) is the
template sessions/email/reminder.html (sessions/services/reminder_mail.py).

Higher apps add kinds of their own (analytics: the check-in) with `register_kind`, so this app never
imports them (docs/architecture.md: registries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

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
        gettext_lazy("Session invitations and cancellations, with a calendar file"),
        (K.SESSION_INVITE, K.SESSION_CANCELLED),
    ),
    "session_reminders": (
        gettext_lazy("Reminders 24 hours and 1 hour before a session"),
        (K.SESSION_24H, K.SESSION_1H),
    ),
    "log_prompts": (gettext_lazy("Asking you to log a session after it ended"), (K.LOG_SESSION,)),
    "milestones": (gettext_lazy("Milestones on their due date"), (K.MILESTONE_DUE,)),
    "nudges": (gettext_lazy("Nudges when your match has not met for a while"), (K.INACTIVITY_NUDGE,)),
    "checkins": (gettext_lazy("Check-in surveys"), (K.CHECKIN_DUE,)),
    "fit_checks": (
        gettext_lazy("Asking, after your first session, whether your match is a good fit"),
        (K.FIT_CHECK,),
    ),
    "escalations": (gettext_lazy("For HR admins: matches that need attention"), (K.NUDGE_ESCALATION, K.FIT_CONCERN)),
}
CATEGORY_OF_KIND: dict[str, str] = {kind: category for category, (_, kinds) in CATEGORIES.items() for kind in kinds}


# The email's primary button by kind, when a renderer names none (the check-in of analytics, for one).
BUTTONS: dict[str, Promise] = {
    K.SESSION_INVITE: gettext_lazy("See the session"),
    K.SESSION_CANCELLED: gettext_lazy("See the session"),
    K.SESSION_24H: gettext_lazy("See the session"),
    K.SESSION_1H: gettext_lazy("See the session"),
    K.LOG_SESSION: gettext_lazy("Log the session"),
    K.MILESTONE_DUE: gettext_lazy("Open the goal"),
    K.INACTIVITY_NUDGE: gettext_lazy("Plan a session"),
    K.NUDGE_ESCALATION: gettext_lazy("Review the match"),
    K.FIT_CHECK: gettext_lazy("Answer"),
    K.FIT_CONCERN: gettext_lazy("Review the match"),
    K.CHECKIN_DUE: gettext_lazy("Answer the check-in"),
}
DEFAULT_BUTTON = gettext_lazy("Open in MentorHub")


@dataclass
class Message:
    subject: str
    body: str
    path: str  # the page it links to, on this site
    ics: bytes | None = None
    ics_method: str = ""
    button: str = ""  # the email's button text; empty: BUTTONS by kind


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
    """“Mon 30 Mar 2026, 10:00 CEST (Europe/Berlin)”, in the active language (“Mo., 30. März 2026, 10:00 ...”)."""
    return _when(moment, zone_name, translation.get_language() or "en")


@lru_cache(maxsize=4096)  # a session's time is written for each of its people, in a batch of hundreds
def _when(moment: datetime, zone_name: str, language: str) -> str:
    zone = zone_or_utc(zone_name)
    local = moment.astimezone(zone)
    # Translators: a date and time in an email, in Django's date format letters (D: Mon, d: 30, M: Mar, Y: 2026).
    written = dateformat.format(local, pgettext("email date and time", "D d M Y, H:i"))
    return f"{written} {local.tzname()} ({zone.key})"


def day(value: date) -> str:
    """“Mon 30 Mar 2026” in the active language."""
    # Translators: a date in an email, in Django's date format letters (D: Mon, d: 30, M: Mar, Y: 2026).
    return dateformat.format(value, pgettext("email date", "D d M Y"))


def _others_local(moment: datetime, recipient: Employee, people: list[Employee]) -> str:
    """“ (15:00 for Ana Ruiz in Europe/London)” for every other person whose clock shows another time."""
    own = moment.astimezone(zone_or_utc(recipient.time_zone)).strftime("%H:%M %d %b")
    parts = []
    for person in people:
        if person.pk == recipient.pk:
            continue
        local = moment.astimezone(zone_or_utc(person.time_zone))
        if local.strftime("%H:%M %d %b") != own:
            parts.append(
                _("%(time)s for %(name)s in %(zone)s")
                % {"time": f"{local:%H:%M} {local.tzname()}", "name": person.name, "zone": person.time_zone}
            )
    return f" ({'; '.join(parts)})" if parts else ""


def _and(names: list[str]) -> str:
    """“A”, “A and B”, “A, B and C”, in the active language."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _names(people: list[Employee], recipient: Employee) -> str:
    return _and([p.name for p in people if p.pk != recipient.pk])


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

# Skip reasons are notes for the reminder's row (the Django admin, logs), never sent to anyone: not translated.


def _where(location: str) -> str:
    return "\n" + _("Where: %(place)s") % {"place": location} if location else ""


def _session(reminder: Reminder, context: Context) -> Message | Skip:
    session = reminder.session
    assert session is not None, "a session reminder always has its session (planned with it; deleted with it)"
    recipient = reminder.recipient
    slug = context.slugs[reminder.organization_id]
    people = context.members.get(session.match_id, [])
    start = when(session.starts_at, recipient.time_zone) + _others_local(session.starts_at, recipient, people)
    path = _path("session-detail", slug, session_pk=session.pk)
    with_whom = _names(people, recipient) or _("your match")
    where = _where(session.location)
    agenda = "\n\n" + _("Agenda:") + f"\n{session.agenda}" if session.agenda else ""
    kind = reminder.kind
    names = {"who": with_whom, "when": start}

    if kind == K.SESSION_CANCELLED:
        if session.status != MentoringSession.Status.CANCELLED or reminder.slot != f"seq{session.sequence}":
            return Skip("The session changed again since.")
        reason = "\n" + _("Reason: %(reason)s") % {"reason": session.cancel_reason} if session.cancel_reason else ""
        return Message(
            subject=_("Cancelled: mentoring session with %(who)s") % names,
            body=_("The session with %(who)s on %(when)s is cancelled.") % names
            + reason
            + "\n\n"
            + _("The attached calendar file removes it from your calendar."),
            path=path,
            ics=ics.invitation_ics(session, people, slug),
            ics_method="CANCEL",
        )
    if session.status != MentoringSession.Status.SCHEDULED:
        return Skip(f"The session is {session.status}.")
    if session.match.status != Match.Status.ACTIVE:
        return Skip("The match is not active any more.")
    if kind == K.SESSION_INVITE:
        if reminder.slot != f"seq{session.sequence}":
            return Skip("A newer invitation replaces it.")
        if session.starts_at <= context.now:
            return Skip("The session has started.")
        details = {
            "who": with_whom,
            "when": when(session.starts_at, recipient.time_zone),
            "start": start,
            "minutes": session.duration_minutes,
            "format": session.get_format_display(),
        }
        if session.sequence:
            subject = _("Updated: Mentoring session with %(who)s, %(when)s") % details
            opening = _("The session was changed. Your mentoring session with %(who)s:") % details
        else:
            subject = _("Mentoring session with %(who)s, %(when)s") % details
            opening = _("Your mentoring session with %(who)s:") % details
        return Message(
            subject=subject,
            body=opening
            + "\n\n"
            + _("When: %(start)s") % details
            + "\n"
            + ngettext("How long: %(minutes)s minute", "How long: %(minutes)s minutes", session.duration_minutes)
            % details
            + "\n"
            + _("Format: %(format)s") % details
            + where
            + agenda
            + "\n\n"
            + _("The attached calendar file adds it to your calendar."),
            path=path,
            ics=ics.invitation_ics(session, people, slug),
            ics_method="REQUEST",
        )
    if reminder.slot != slot_of(session.starts_at):
        return Skip("The session moved.")
    if kind in (K.SESSION_24H, K.SESSION_1H):
        if session.starts_at <= context.now:
            return Skip("The session has started.")
        if kind == K.SESSION_24H:
            subject = _("Your mentoring session with %(who)s is tomorrow") % names
            opening = _("A reminder: you meet %(who)s tomorrow.") % names
        else:
            subject = _("Your mentoring session with %(who)s is in an hour") % names
            opening = _("A reminder: you meet %(who)s in an hour.") % names
        return Message(
            subject=subject,
            body=opening
            + "\n\n"
            + _("When: %(start)s") % {"start": start}
            + "\n"
            + _("Format: %(format)s") % {"format": session.get_format_display()}
            + where
            + agenda,
            path=path,
        )
    if kind == K.LOG_SESSION:
        if session.ends_at > context.now:
            return Skip("The session has not ended yet.")
        return Message(
            subject=_("How did your session with %(who)s go?") % names,
            body=_(
                "Your session with %(who)s on %(when)s has ended. Log it as held (or missed), add shared notes, and "
                "rate it for yourself: it takes a minute, and your private reflection is yours alone."
            )
            % names,
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
    names = {"milestone": milestone.title, "goal": goal.title, "day": day(milestone.due_on)}
    return Message(
        subject=_("Milestone due today: %(milestone)s") % names,
        body=_(
            "“%(milestone)s”, a milestone of your goal “%(goal)s”, is due today (%(day)s). Tick it off when it is "
            "done, or talk it over at your next session."
        )
        % names,
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
        names = {"names": _and([p.name for p in people]), "program": match.program.name, "days": days}
        return Message(
            subject=ngettext(
                "A match in %(program)s has not met for %(days)s day",
                "A match in %(program)s has not met for %(days)s days",
                days,
            )
            % names,
            body=ngettext(
                "%(names)s (%(program)s) have held no session for %(days)s day, and two nudges went unanswered. You "
                "may want to check in with them, or end the match and offer a new one.",
                "%(names)s (%(program)s) have held no session for %(days)s days, and two nudges went unanswered. You "
                "may want to check in with them, or end the match and offer a new one.",
                days,
            )
            % names,
            path=_path("program-mentoring", slug, program_pk=match.program_id),
        )
    cadence = match.program.cadence_per_month
    names = {"who": _names(people, recipient), "program": match.program.name, "days": days, "cadence": cadence}
    return Message(
        subject=ngettext(
            "It has been %(days)s day since you met %(who)s", "It has been %(days)s days since you met %(who)s", days
        )
        % names,
        body=ngettext(
            "Your match with %(who)s in %(program)s has not met for %(days)s day.",
            "Your match with %(who)s in %(program)s has not met for %(days)s days.",
            days,
        )
        % names
        + " "
        + ngettext(
            "The program suggests %(cadence)s session a month: pick a time that suits you both.",
            "The program suggests %(cadence)s sessions a month: pick a time that suits you both.",
            cadence,
        )
        % names
        + " "
        + _("If the match does not work out, you can end it and ask for another."),
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
        names = {"who": _names(people, recipient), "program": match.program.name}
        return Message(
            subject=_("Is %(who)s a good match for you?") % names
            if names["who"]
            else _("Is this a good match for you?"),
            body=_(
                "You have held your first session in %(program)s. Is this a good match for you? Answer yes, not "
                "sure or no on your match's page: your answer is private. Only the program's HR admins hear of a "
                '"no", never the others in your match, and a "no" is nobody\'s fault: you can ask for a new match.'
            )
            % names,
            path=_path("mentoring-match", slug, match_pk=match.pk) + "#fit-h",
        )
    author_id = int(reminder.slot.removeprefix("no-e"))
    answer = answers.filter(author_id=author_id, answer=PairingFitAnswer.Answer.NO).select_related("author").first()
    if answer is None:
        return Skip("The answer is no longer no.")
    names = {"author": answer.author.name, "names": _and([p.name for p in people]), "program": match.program.name}
    comment = "\n\n" + _("Their comment for you:") + f"\n{answer.comment}" if answer.comment else ""
    return Message(
        subject=_("%(author)s says their match in %(program)s is not a good fit") % names,
        body=_(
            'After the first session, %(author)s answered "no" to "Is this a good match for you?" about their match '
            "(%(names)s) in %(program)s."
        )
        % names
        + comment
        + "\n\n"
        + _(
            "The others in the match do not know. You may want to talk to them, or end the match without fault and "
            "offer a new one."
        ),
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
    where = _where(slot.location)
    kind = reminder.kind
    names = {"who": with_whom, "when": start, "start": start, "topics": slot.topics}
    if kind == K.SESSION_CANCELLED:
        if not flash_ics.booking_is_off(booking) or reminder.slot != f"seq{booking.sequence}":
            return Skip("The booking changed again since.")
        return Message(
            subject=_("Cancelled: flash mentoring with %(who)s") % names,
            body=_("The flash mentoring session with %(who)s on %(when)s is cancelled.") % names
            + "\n\n"
            + _("The attached calendar file removes it from your calendar."),
            path=path,
            ics=flash_ics.booking_invitation_ics(booking, slug),
            ics_method="CANCEL",
        )
    if flash_ics.booking_is_off(booking):
        return Skip("The booking is cancelled.")
    if slot.starts_at <= context.now:
        return Skip("The session has started.")
    if kind == K.SESSION_INVITE:
        details = {**names, "when": when(slot.starts_at, recipient.time_zone), "minutes": slot.duration_minutes}
        return Message(
            subject=_("Flash mentoring with %(who)s, %(when)s") % details,
            body=_("A flash mentoring session with %(who)s:") % details
            + "\n\n"
            + _("When: %(start)s") % details
            + "\n"
            + ngettext("How long: %(minutes)s minute", "How long: %(minutes)s minutes", slot.duration_minutes) % details
            + "\n"
            + _("Topics: %(topics)s") % details
            + where
            + "\n\n"
            + _("The attached calendar file adds it to your calendar."),
            path=path,
            ics=flash_ics.booking_invitation_ics(booking, slug),
            ics_method="REQUEST",
        )
    if kind in (K.SESSION_24H, K.SESSION_1H):
        if reminder.slot != slot_of(slot.starts_at):
            return Skip("The session moved.")
        if kind == K.SESSION_24H:
            subject = _("Your flash mentoring session with %(who)s is tomorrow") % names
            opening = _("A reminder: you meet %(who)s tomorrow.") % names
        else:
            subject = _("Your flash mentoring session with %(who)s is in an hour") % names
            opening = _("A reminder: you meet %(who)s in an hour.") % names
        return Message(
            subject=subject,
            body=opening + "\n\n" + _("When: %(start)s") % names + "\n" + _("Topics: %(topics)s") % names + where,
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
