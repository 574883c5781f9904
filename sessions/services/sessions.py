"""Sessions of a match: schedule, change, cancel, log (held / cancelled / missed, with shared notes), log a
meeting that already happened in one step, and each participant's own feedback on a held session.

Times come in as aware datetimes (forms read them in the person's own zone) and are stored in UTC; the
session keeps the zone it was scheduled in for its calendar invitation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.outbox import outbox_record
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import MentoringSession, SessionFeedback
from ..page_cache import match_people_changed
from ..selectors.agreements import agreement_holds_back
from .common import deliver_reminders_on_commit, match_for_write
from .pairing_fit import fit_check_after_held
from .reminders import reminders_plan_session, reminders_session_cancelled, reminders_session_logged

MAX_AHEAD = timedelta(days=366)
MAX_TOPICS = 8
MAX_TOPIC_LENGTH = 40
# Fields whose change attendees' calendars must take over (a new SEQUENCE and an updated invitation).
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "format", "location", "time_zone")
EDITABLE_FIELDS = (*CALENDAR_FIELDS, "agenda")
# The program asks for a confirmed agreement before the first session (Program.agreement_required).
AGREEMENT_FIRST = (
    "Your program asks everyone in the match to confirm your mentoring agreement before the first session. "
    "Read it and confirm it under “Our agreement” on your match's page; then schedule."
)


def _aware(value: datetime, field: str = "starts_at") -> datetime:
    """An aware datetime, as UTC (so that later arithmetic on it counts real hours)."""
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationError({field: [_("Give a date and time with its time zone.")]})
    return value.astimezone(UTC)


def _save_new(session: MentoringSession) -> MentoringSession:
    session.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
        match_people_changed(organization=session.organization, match_id=session.match_id)
    except IntegrityError:
        raise ValidationError(
            {"starts_at": [_("This match already has a session at that time (was it sent twice?).")]}
        ) from None
    return session


def _session_for_write(organization: Organization, employee: Employee, session_id: int) -> tuple[MentoringSession, Any]:
    """The session, locked, and its match checked for a change by `employee` (404 when it is not theirs).
    The match is locked first, then the session: the order in which ending a match takes them, so the two
    can never wait on each other."""
    match_id = get_scoped_or_404(MentoringSession, organization, pk=session_id).match_id
    found = match_for_write(organization, employee, match_id)
    session = get_scoped_or_404(
        MentoringSession.objects.select_for_update().select_related("program"), organization, pk=session_id
    )
    # Every change of a session comes through here or _save_new: its match's pages are told (page_cache.py).
    match_people_changed(organization=organization, match_id=match_id)
    return session, found


@transaction.atomic
def session_schedule(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    match_id: int,
    starts_at: datetime,
    duration_minutes: int = 45,
    format: str = MentoringSession.Format.VIDEO,
    location: str = "",
    agenda: str = "",
    time_zone: str = "",
    now: datetime | None = None,
) -> MentoringSession:
    """Schedule a session of an active match. Everyone in it gets an invitation with an .ics now, reminders
    24 h and 1 h before, and a prompt to log it after."""
    now = now or timezone.now()
    found = match_for_write(organization, employee, match_id)
    if agreement_holds_back(organization=organization, match=found.match):
        raise ValidationError(AGREEMENT_FIRST, code="agreement_first")
    starts_at = _aware(starts_at)
    if starts_at <= now:
        raise ValidationError(
            {"starts_at": [_("That time has passed. To record a meeting that already happened, log a past session.")]}
        )
    if starts_at > now + MAX_AHEAD:
        raise ValidationError({"starts_at": [_("Schedule at most a year ahead.")]})
    session = _save_new(
        MentoringSession(
            organization=organization,
            program=found.match.program,
            match=found.match,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            time_zone=time_zone or employee.time_zone or "UTC",
            format=format,
            location=(location or "").strip(),
            agenda=(agenda or "").strip(),
            scheduled_by=employee,
        )
    )
    _default_meeting_link(organization, session)
    reminders_plan_session(organization=organization, session=session, recipients=found.members, now=now)
    deliver_reminders_on_commit()
    _record_event(organization, "session.scheduled", session)
    return session


def _record_event(organization: Organization, event_type: str, session: MentoringSession) -> None:
    """The session's domain event for webhooks: ids, time and format, never its agenda or notes."""
    outbox_record(
        organization=organization,
        event_type=event_type,
        data={
            "session_id": session.pk,
            "match_id": session.match_id,
            "program_id": session.program_id,
            "starts_at": session.starts_at.isoformat(),
            "duration_minutes": session.duration_minutes,
            "format": session.format,
            "status": session.status,
        },
    )


def _default_meeting_link(organization: Organization, session: MentoringSession) -> None:
    """A video session scheduled without a link gets the organization's video link template, filled in (its
    {session} is known only once the row exists, hence after the insert; before any invitation is planned)."""
    template = organization.video_link_template
    if session.location or session.format != MentoringSession.Format.VIDEO or not template:
        return
    session.location = template.format(match=session.match_id, session=session.pk, org=organization.slug)[:500]
    session.save(update_fields=["location", "updated_at"])


@transaction.atomic
def session_update(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    session_id: int,
    now: datetime | None = None,
    **changes: Any,
) -> MentoringSession:
    """Change a scheduled session (time, length, format, place, agenda). A change of time or place sends
    everyone an updated invitation (same event, next SEQUENCE) and moves the reminders."""
    now = now or timezone.now()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    session, found = _session_for_write(organization, employee, session_id)
    if session.status != MentoringSession.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be changed; this one is logged already."))
    if "starts_at" in changes:
        starts_at = _aware(changes["starts_at"])
        if starts_at != session.starts_at and starts_at <= now:
            raise ValidationError({"starts_at": [_("That time has passed: pick a time ahead.")]})
        if starts_at > now + MAX_AHEAD:
            raise ValidationError({"starts_at": [_("Schedule at most a year ahead.")]})
    for field in ("location", "agenda"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    moved = any(field in changes and getattr(session, field) != changes[field] for field in CALENDAR_FIELDS)
    for field, value in changes.items():
        setattr(session, field, value)
    if moved:
        session.sequence += 1
    session.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
        match_people_changed(organization=session.organization, match_id=session.match_id)
    except IntegrityError:
        raise ValidationError({"starts_at": [_("This match already has a session at that time.")]}) from None
    if moved:
        reminders_plan_session(organization=organization, session=session, recipients=found.members, now=now)
        deliver_reminders_on_commit()
    return session


@transaction.atomic
def session_cancel(
    *, organization: Organization, actor: User | None, employee: Employee, session_id: int, reason: str = ""
) -> MentoringSession:
    """Call off a scheduled session: the others are told (with an .ics that removes it from calendars)."""
    session, found = _session_for_write(organization, employee, session_id)
    if session.status != MentoringSession.Status.SCHEDULED:
        raise ValidationError(
            _("This session is %(status)s already.") % {"status": session.get_status_display().lower()}
        )
    session.status = MentoringSession.Status.CANCELLED
    session.cancel_reason = (reason or "").strip()[:500]
    session.sequence += 1
    session.logged_by, session.logged_at = employee, timezone.now()
    session.save()
    others = [person for person in found.members if person.pk != employee.pk]
    reminders_session_cancelled(organization=organization, session=session, recipients=others)
    deliver_reminders_on_commit()
    return session


@transaction.atomic
def session_log(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    session_id: int,
    status: str,
    shared_notes: str | None = None,
    now: datetime | None = None,
) -> MentoringSession:
    """Record how a scheduled session went: held or missed (once its start has passed), with shared notes
    for the match. Cancelling goes through session_cancel, which tells the others."""
    now = now or timezone.now()
    session, found = _session_for_write(organization, employee, session_id)
    if status not in (MentoringSession.Status.HELD, MentoringSession.Status.MISSED):
        raise ValidationError({"status": [_("Log a session as held or missed (cancel it to call it off).")]})
    if session.status != MentoringSession.Status.SCHEDULED:
        raise ValidationError(
            _("This session was logged already (%(status)s).") % {"status": session.get_status_display().lower()}
        )
    if session.starts_at > now:
        raise ValidationError({"status": [_("This session has not started yet: log it once it has taken place.")]})
    session.status = status
    if shared_notes is not None:
        session.shared_notes = shared_notes.strip()
    session.logged_by, session.logged_at = employee, now
    session.full_clean(validate_constraints=False)
    session.save()
    reminders_session_logged(organization=organization, session=session)
    if status == MentoringSession.Status.HELD:
        fit_check_after_held(organization=organization, session=session, members=found.members, now=now)
        _record_event(organization, "session.held", session)
    return session


@transaction.atomic
def session_log_past(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    match_id: int,
    starts_at: datetime,
    duration_minutes: int = 45,
    format: str = MentoringSession.Format.VIDEO,
    location: str = "",
    shared_notes: str = "",
    rating: int | None = None,
    topics: list[str] | None = None,
    reflection: str = "",
    now: datetime | None = None,
) -> MentoringSession:
    """Record in one step a meeting that already happened (held), with shared notes and, optionally, the
    logger's own rating, topics and private reflection."""
    now = now or timezone.now()
    if rating is None and (topics or (reflection or "").strip()):
        raise ValidationError({"rating": [_("Rate the session too, to keep your topics and reflection with it.")]})
    found = match_for_write(organization, employee, match_id)
    starts_at = _aware(starts_at)
    if starts_at > now:
        raise ValidationError({"starts_at": [_("That time is still ahead: schedule the session instead.")]})
    began = found.match.approved_at or found.match.created_at
    if began is not None and starts_at < began - timedelta(days=1):
        raise ValidationError({"starts_at": [_("That is before this match began.")]})
    session = _save_new(
        MentoringSession(
            organization=organization,
            program=found.match.program,
            match=found.match,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            time_zone=employee.time_zone or "UTC",
            format=format,
            location=(location or "").strip(),
            shared_notes=(shared_notes or "").strip(),
            status=MentoringSession.Status.HELD,
            scheduled_by=employee,
            logged_by=employee,
            logged_at=now,
        )
    )
    fit_check_after_held(organization=organization, session=session, members=found.members, now=now)
    _record_event(organization, "session.held", session)
    if rating is not None:
        feedback_save(
            organization=organization,
            employee=employee,
            session_id=session.pk,
            rating=rating,
            topics=topics or [],
            reflection=reflection,
        )
    return session


@transaction.atomic
def session_notes_update(
    *, organization: Organization, actor: User | None, employee: Employee, session_id: int, shared_notes: str
) -> MentoringSession:
    """The match's shared notes of a session (an agenda before, a summary after)."""
    session, _found = _session_for_write(organization, employee, session_id)
    if session.status == MentoringSession.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled: it has no notes."))
    session.shared_notes = (shared_notes or "").strip()
    session.full_clean(validate_constraints=False)
    session.save(update_fields=["shared_notes", "updated_at"])
    return session


# --- Feedback ----------------------------------------------------------------------------------------------


def topics_clean(topics: Any) -> list[str]:
    """Short tags, as a list or a comma-separated line: trimmed, duplicates (any case) dropped, at most 8."""
    if isinstance(topics, str):
        topics = topics.split(",")
    if not isinstance(topics, list | tuple):
        raise ValidationError({"topics": [_("Give topics as a list of short words.")]})
    cleaned: list[str] = []
    for topic in topics:
        if not isinstance(topic, str):
            raise ValidationError({"topics": [_("Each topic is a short piece of text.")]})
        topic = " ".join(topic.split())
        if not topic or topic.casefold() in (t.casefold() for t in cleaned):
            continue
        if len(topic) > MAX_TOPIC_LENGTH:
            too_long = _("“%(start)s…” is too long: at most %(count)s characters.")
            raise ValidationError({"topics": [too_long % {"start": topic[:20], "count": MAX_TOPIC_LENGTH}]})
        cleaned.append(topic)
    if len(cleaned) > MAX_TOPICS:
        raise ValidationError({"topics": [_("At most %(count)s topics.") % {"count": MAX_TOPICS}]})
    return cleaned


@transaction.atomic
def feedback_save(
    *,
    organization: Organization,
    employee: Employee,
    session_id: int,
    rating: int,
    topics: Any = (),
    reflection: str = "",
) -> SessionFeedback:
    """A participant's own rating (1-5), topics and private reflection on a held session (set or replace).
    Anyone who was in the match may give it, also after the match is over; nobody else sees the reflection."""
    session = get_scoped_or_404(MentoringSession.objects.select_related("match"), organization, pk=session_id)
    in_match = (
        scoped(MatchMember, organization)
        .filter(match_id=session.match_id, participant__employee=employee)
        .exclude(response=MatchMember.Response.DECLINED)
        .exclude(match__status__in=[Match.Status.PROPOSED, Match.Status.DISCARDED])
        .exists()
    )
    if not in_match:
        raise Http404("No such session.")
    if session.status != MentoringSession.Status.HELD:
        raise ValidationError(_("Only a session that was held can be rated."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Rate the session from 1 (poor) to 5 (excellent).")]})
    reflection = (reflection or "").strip()
    limit = SessionFeedback._meta.get_field("reflection").max_length
    assert limit is not None, "the model caps the reflection's length"
    if len(reflection) > limit:
        raise ValidationError({"reflection": [_("Your reflection is too long (at most 10,000 characters).")]})
    # update_or_create: a double submit that races to create the row ends up updating it instead.
    feedback, _created = SessionFeedback.objects.update_or_create(
        organization=organization,
        session=session,
        author=employee,
        defaults={
            "rating": rating,
            "topics": topics_clean(list(topics) if isinstance(topics, tuple) else topics),
            "reflection": reflection,
        },
    )
    return feedback
