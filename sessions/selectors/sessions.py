"""Sessions as their match's members see them: lists, one session, what waits to be logged, the calendar
feed, and feedback. A session's feedback: each author their own (`my_feedback`); reflections are never
loaded otherwise (`FEEDBACK_PUBLIC_FIELDS` is what aggregate readers may touch)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import MAX_DURATION_MINUTES, MentoringSession, SessionConfirmation, SessionFeedback
from .matches import match_places_of, started_matches_of

# The fields of feedback anyone but its author may read (in aggregate): never the reflection.
FEEDBACK_PUBLIC_FIELDS = ("id", "session_id", "author_id", "rating", "topics")
FEED_HISTORY_DAYS = 180


def _sessions(organization: Organization) -> QuerySet[MentoringSession]:
    return scoped(MentoringSession, organization).select_related("program", "scheduled_by", "logged_by")


def _with_match_members(queryset: QuerySet[MentoringSession], organization: Organization):
    """Sessions with their match and its members (participant, employee) loaded in two more queries."""
    return queryset.select_related("match__program").prefetch_related(
        Prefetch(
            "match__members",
            queryset=scoped(MatchMember, organization)
            .select_related("participant__employee")
            .order_by("role", "participant__employee__name", "id"),
        )
    )


def sessions_of_match(*, organization: Organization, match: Match) -> QuerySet[MentoringSession]:
    return _sessions(organization).filter(match=match).order_by("-starts_at", "-id")


def sessions_of_employee(*, organization: Organization, employee: Employee) -> QuerySet[MentoringSession]:
    """Every session of the matches this person is (or was) in, newest first."""
    return (
        _sessions(organization)
        .filter(match__in=started_matches_of(organization=organization, employee=employee).values("pk"))
        .select_related("match")
        .order_by("-starts_at", "-id")
    )


def session_for_employee(*, organization: Organization, employee: Employee | None, session_id: int) -> MentoringSession:
    """One session of this person's matches, with its match and members, or 404."""
    if employee is None:
        return get_scoped_or_404(MentoringSession.objects.none(), organization, pk=session_id)
    queryset = _with_match_members(sessions_of_employee(organization=organization, employee=employee), organization)
    return get_scoped_or_404(queryset, organization, pk=session_id)


def upcoming_sessions(
    *, organization: Organization, employee: Employee, now: datetime | None = None, limit: int = 20
) -> list[MentoringSession]:
    """Scheduled sessions that have not ended yet, soonest first (at most `limit`)."""
    now = now or timezone.now()
    # A session that started up to MAX_DURATION_MINUTES ago may still be going on.
    window = now - timedelta(minutes=MAX_DURATION_MINUTES)
    candidates = (
        sessions_of_employee(organization=organization, employee=employee)
        .filter(status=MentoringSession.Status.SCHEDULED, starts_at__gte=window)
        .filter(match__in=_current_match_ids(organization, employee))
        .order_by("starts_at", "id")
    )
    upcoming = []
    for session in candidates.iterator(chunk_size=100):
        if session.ends_at > now:
            upcoming.append(session)
            if len(upcoming) >= limit:
                break
    return upcoming


def sessions_to_log(
    *, organization: Organization, employee: Employee, now: datetime | None = None
) -> list[MentoringSession]:
    """Scheduled sessions of current matches that have ended and wait to be logged, oldest first."""
    now = now or timezone.now()
    candidates = (
        sessions_of_employee(organization=organization, employee=employee)
        .filter(status=MentoringSession.Status.SCHEDULED, starts_at__lt=now, match__status=Match.Status.ACTIVE)
        .filter(match__in=_current_match_ids(organization, employee))
        .order_by("starts_at", "id")
    )
    return [s for s in candidates if s.ends_at <= now]


def _current_match_ids(organization: Organization, employee: Employee):
    """Ids of the matches this person is in now (their things to do are there)."""
    return match_places_of(organization, employee).filter(current=True).values("match_id")


def my_feedback(*, organization: Organization, session: MentoringSession, employee: Employee) -> SessionFeedback | None:
    """This person's own feedback on a session (the only way a reflection is ever read)."""
    return scoped(SessionFeedback, organization).filter(session=session, author=employee).first()


def feedback_given_by(*, organization: Organization, session: MentoringSession) -> set[int]:
    """Employee ids of the people who gave feedback on a session (not what they wrote)."""
    return set(scoped(SessionFeedback, organization).filter(session=session).values_list("author_id", flat=True))


def feed_sessions(*, organization: Organization, employee: Employee, now: datetime | None = None):
    """The sessions a person's calendar feed lists: the last six months and everything ahead, cancelled ones
    included (so subscribed calendars remove them)."""
    since = (now or timezone.now()) - timedelta(days=FEED_HISTORY_DAYS)
    queryset = sessions_of_employee(organization=organization, employee=employee).filter(starts_at__gte=since)
    return _with_match_members(queryset, organization).order_by("starts_at", "id")


def session_list_of_employee(
    *,
    organization: Organization,
    employee: Employee,
    match_id: int | None = None,
    status: str = "",
    upcoming: bool = False,
    now: datetime | None = None,
) -> QuerySet[MentoringSession]:
    """A person's sessions as the API lists them (a queryset, for paging), each with its match's people:
    newest first, or narrowed to one match, one status, or (`upcoming`) the scheduled ones that have not
    ended yet, soonest first."""
    queryset = sessions_of_employee(organization=organization, employee=employee)
    if match_id is not None:
        queryset = queryset.filter(match_id=match_id)
    if status:
        queryset = queryset.filter(status=status)
    if upcoming:
        now = now or timezone.now()
        queryset = queryset.filter(status=MentoringSession.Status.SCHEDULED)
        # A session that started up to MAX_DURATION_MINUTES ago may still be going on: those few are checked
        # here, so the list stays a queryset on every database.
        recent = queryset.filter(
            starts_at__gte=now - timedelta(minutes=MAX_DURATION_MINUTES), starts_at__lt=now
        ).values_list("pk", "starts_at", "duration_minutes")
        going_on = [pk for pk, starts_at, minutes in recent if starts_at + timedelta(minutes=minutes) > now]
        queryset = queryset.filter(Q(starts_at__gte=now) | Q(pk__in=going_on)).order_by("starts_at", "id")
    return _with_match_members(queryset, organization)


def topics_of(*, organization: Organization, employee: Employee, limit: int = 30) -> list[str]:
    """The topics this person gave their own sessions, latest first and each once (any case): suggestions for
    the next feedback. Reads the author's own rows only."""
    rows = (
        scoped(SessionFeedback, organization)
        .filter(author=employee)
        .order_by("-updated_at", "-id")
        .values_list("topics", flat=True)[:100]
    )
    seen: dict[str, str] = {}
    for topics in rows:
        for topic in topics or []:
            if isinstance(topic, str):
                seen.setdefault(topic.casefold(), topic)
    return list(seen.values())[:limit]


def session_confirmations(*, organization: Organization, session: MentoringSession) -> list[SessionConfirmation]:
    """Who confirmed they will be at the session as it stands (a confirmation of an earlier time no longer
    counts), first confirmed first, with their roster entry."""
    return list(
        scoped(SessionConfirmation, organization)
        .filter(session=session, sequence=session.sequence)
        .select_related("employee")
    )
