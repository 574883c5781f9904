"""Every read of the sessions app, scoped by organization in the query, with what pages and the API show
prefetched so that templates and serializers never query per row.

Who sees what:
- a match, its sessions, shared notes and goals: the people in the match (current members, and everyone
  of a completed or ended match; never someone who declined it), through `*_for_member` selectors;
- a personal goal: its participant and the mentors (facilitators) of the matches they are in;
- a session's feedback: each author their own (`my_feedback`); reflections are never loaded otherwise
  (`FEEDBACK_PUBLIC_FIELDS` is what aggregate readers may touch);
- admins: the program overview (counts and dates, end reasons), never notes, feedback or goals' content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet  # noqa: F401
from django.utils import timezone

from matching.models import Match, MatchMember
from matching.selectors import matches_with_members
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Program

from .models import (
    MAX_DURATION_MINUTES,
    CalendarFeed,
    Goal,
    GoalComment,
    GoalTemplate,
    MentoringSession,
    Milestone,
    Notification,
    NotificationPreference,
    Reminder,
    SessionFeedback,
)

LEAD_ROLES = (MatchMember.Role.MENTOR, MatchMember.Role.FACILITATOR)
FOLLOWER_ROLES = (MatchMember.Role.MENTEE, MatchMember.Role.MEMBER)
# Matches whose people work together now or did: what the mentoring pages show.
MENTORING_STATUSES = (Match.Status.ACTIVE, Match.Status.COMPLETED, Match.Status.ENDED)
# The fields of feedback anyone but its author may read (in aggregate): never the reflection.
FEEDBACK_PUBLIC_FIELDS = ("id", "session_id", "author_id", "rating", "topics")
UNREAD_CACHE_SECONDS = 300
GOAL_ORDER = Goal._meta.ordering  # open goals first, by due date; done ones last


# --- Matches -------------------------------------------------------------------------------------------


def _in_match(organization: Organization, employee: Employee) -> QuerySet[MatchMember]:
    """This person's places in matches: everyone but who declined (a decliner was never part of it)."""
    return (
        scoped(MatchMember, organization)
        .filter(participant__employee=employee)
        .exclude(response=MatchMember.Response.DECLINED)
    )


def mentoring_matches(*, organization: Organization, employee: Employee) -> QuerySet[Match]:
    """The matches this person works (or worked) in, active first, with members and program prefetched."""
    return (
        matches_with_members(organization)
        .filter(pk__in=_in_match(organization, employee).values("match_id"), status__in=MENTORING_STATUSES)
        .order_by("status", "-started_at", "-id")
    )


def match_for_member(*, organization: Organization, employee: Employee | None, match_id: int) -> Match:
    """One of this person's mentoring matches, or 404 (missing, someone else's, or not started)."""
    if employee is None:
        return get_scoped_or_404(Match.objects.none(), organization, pk=match_id)
    return get_scoped_or_404(mentoring_matches(organization=organization, employee=employee), organization, pk=match_id)


def is_current_member(match: Match, employee: Employee) -> bool:
    """From a match fetched with its members: is this person in it now? (no query)"""
    return any(m.current and m.participant.employee_id == employee.pk for m in match.members.all())


def people_of(match: Match) -> list[MatchMember]:
    """Who is (or was, for a finished match) in it: leads first; never members who declined (no query)."""
    members = [m for m in match.members.all() if m.response != MatchMember.Response.DECLINED]
    shown = [m for m in members if m.current] or members
    return sorted(shown, key=lambda m: (m.role not in LEAD_ROLES, m.participant.employee.name, m.pk))


def recipients_of(organization: Organization, match_ids: list[int]) -> dict[int, list[Employee]]:
    """{match id: the employees currently in it}, in one query."""
    rows = (
        scoped(MatchMember, organization)
        .filter(match_id__in=match_ids, current=True)
        .select_related("participant__employee")
        .order_by("match_id", "role", "id")
    )
    found: dict[int, list[Employee]] = {}
    for member in rows:
        found.setdefault(member.match_id, []).append(member.participant.employee)
    return found


# --- Sessions ------------------------------------------------------------------------------------------


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


def sessions_of_member(*, organization: Organization, employee: Employee) -> QuerySet[MentoringSession]:
    """Every session of the matches this person is (or was) in, newest first."""
    return (
        _sessions(organization)
        .filter(match__in=mentoring_matches(organization=organization, employee=employee).values("pk"))
        .select_related("match")
        .order_by("-starts_at", "-id")
    )


def session_for_member(*, organization: Organization, employee: Employee | None, session_id: int) -> MentoringSession:
    """One session of this person's matches, with its match and members, or 404."""
    if employee is None:
        return get_scoped_or_404(MentoringSession.objects.none(), organization, pk=session_id)
    queryset = _with_match_members(sessions_of_member(organization=organization, employee=employee), organization)
    return get_scoped_or_404(queryset, organization, pk=session_id)


def upcoming_sessions(
    *, organization: Organization, employee: Employee, now: datetime | None = None, limit: int = 20
) -> list[MentoringSession]:
    """Scheduled sessions that have not ended yet, soonest first (at most `limit`)."""
    now = now or timezone.now()
    # A session that started up to MAX_DURATION_MINUTES ago may still be going on.
    window = now - timedelta(minutes=MAX_DURATION_MINUTES)
    candidates = (
        sessions_of_member(organization=organization, employee=employee)
        .filter(status=MentoringSession.Status.SCHEDULED, starts_at__gte=window)
        .filter(match__in=_current_matches(organization, employee))
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
        sessions_of_member(organization=organization, employee=employee)
        .filter(status=MentoringSession.Status.SCHEDULED, starts_at__lt=now, match__status=Match.Status.ACTIVE)
        .filter(match__in=_current_matches(organization, employee))
        .order_by("starts_at", "id")
    )
    return [s for s in candidates if s.ends_at <= now]


def _current_matches(organization: Organization, employee: Employee):
    """Ids of the matches this person is in now (their things to do are there)."""
    return _in_match(organization, employee).filter(current=True).values("match_id")


def my_feedback(*, organization: Organization, session: MentoringSession, employee: Employee) -> SessionFeedback | None:
    """This person's own feedback on a session (the only way a reflection is ever read)."""
    return scoped(SessionFeedback, organization).filter(session=session, author=employee).first()


def my_feedback_by_session(
    *, organization: Organization, employee: Employee, session_ids: list[int]
) -> dict[int, SessionFeedback]:
    rows = scoped(SessionFeedback, organization).filter(author=employee, session_id__in=session_ids)
    return {row.session_id: row for row in rows}


def feedback_given_by(*, organization: Organization, session: MentoringSession) -> set[int]:
    """Employee ids of the people who gave feedback on a session (not what they wrote)."""
    return set(scoped(SessionFeedback, organization).filter(session=session).values_list("author_id", flat=True))


# --- Goals ---------------------------------------------------------------------------------------------


def _goals(organization: Organization) -> QuerySet[Goal]:
    return (
        scoped(Goal, organization)
        .select_related("program", "match", "participant__employee", "created_by", "template")
        .prefetch_related(
            Prefetch("milestones", queryset=scoped(Milestone, organization).order_by("position", "due_on", "id"))
        )
    )


def visible_goals_q(organization: Organization, employee: Employee) -> Q:
    """Goals this person may see: of their matches (a finished match's too), their own, and the personal
    goals of the people they mentor now. A former mentor no longer sees a personal goal: it goes on with the
    person's next mentor, whose advice is not theirs to read."""
    in_match = _in_match(organization, employee).filter(match__status__in=MENTORING_STATUSES)
    led_now = in_match.filter(role__in=LEAD_ROLES, current=True, match__status=Match.Status.ACTIVE).values("match_id")
    mentees = (
        scoped(MatchMember, organization)
        .filter(match_id__in=led_now, role__in=FOLLOWER_ROLES, current=True)
        .values("participant_id")
    )
    return (
        Q(match_id__in=in_match.values("match_id")) | Q(participant__employee=employee) | Q(participant_id__in=mentees)
    )


def goals_visible_to(*, organization: Organization, employee: Employee) -> QuerySet[Goal]:
    return _goals(organization).filter(visible_goals_q(organization, employee))


def goals_of_match(*, organization: Organization, match: Match, viewer: Employee) -> QuerySet[Goal]:
    """What `viewer` sees of a match's goals: its shared goals, and those personal goals of its members (in
    the same program) that the viewer may see: their own, and their mentees'."""
    participant_ids = [m.participant_id for m in people_of(match)]
    personal = Q(participant_id__in=participant_ids, program_id=match.program_id)
    return (
        _goals(organization)
        .filter(Q(match=match) | personal)
        .filter(visible_goals_q(organization, viewer))
        .order_by(*GOAL_ORDER)
    )


def goal_for_member(*, organization: Organization, employee: Employee | None, goal_id: int) -> Goal:
    if employee is None:
        return get_scoped_or_404(Goal.objects.none(), organization, pk=goal_id)
    queryset = goals_visible_to(organization=organization, employee=employee).prefetch_related(
        Prefetch("comments", queryset=scoped(GoalComment, organization).select_related("author").order_by("created_at"))
    )
    return get_scoped_or_404(queryset, organization, pk=goal_id)


def milestone_for_member(*, organization: Organization, employee: Employee | None, milestone_id: int) -> Milestone:
    if employee is None:
        return get_scoped_or_404(Milestone.objects.none(), organization, pk=milestone_id)
    visible = scoped(Goal, organization).filter(visible_goals_q(organization, employee)).values("pk")
    queryset = scoped(Milestone, organization).filter(goal_id__in=visible).select_related("goal")
    return get_scoped_or_404(queryset, organization, pk=milestone_id)


def goal_progress(goal: Goal) -> int:
    """Percent done, from milestones fetched with the goal (no query): done goals are 100."""
    if goal.status == Goal.Status.DONE:
        return 100
    milestones = list(goal.milestones.all())
    if not milestones:
        return 0
    return round(100 * sum(1 for m in milestones if m.is_done) / len(milestones))


def goal_templates(*, organization: Organization, program: Program) -> QuerySet[GoalTemplate]:
    return scoped(GoalTemplate, organization).filter(program=program).order_by("position", "id")


def goal_template_get(*, organization: Organization, program: Program, template_id: int) -> GoalTemplate:
    return get_scoped_or_404(GoalTemplate.objects.filter(program=program), organization, pk=template_id)


# --- Notifications ---------------------------------------------------------------------------------------


def notifications_of(*, organization: Organization, employee: Employee) -> QuerySet[Notification]:
    return scoped(Notification, organization).filter(recipient=employee).order_by("-created_at", "-id")


def notification_get(*, organization: Organization, employee: Employee | None, notification_id: int) -> Notification:
    if employee is None:
        return get_scoped_or_404(Notification.objects.none(), organization, pk=notification_id)
    return get_scoped_or_404(
        notifications_of(organization=organization, employee=employee), organization, pk=notification_id
    )


def unread_cache_key(organization_id: int, employee_id: int) -> str:
    return f"notifications:unread:o{organization_id}:e{employee_id}"


def unread_count(*, organization: Organization, employee: Employee) -> int:
    """How many notices this person has not read; cached (services forget it when it changes)."""
    key = unread_cache_key(organization.pk, employee.pk)
    count = cache.get(key)
    if count is None:
        count = scoped(Notification, organization).filter(recipient=employee, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def preference_of(*, organization: Organization, employee: Employee) -> NotificationPreference:
    """This person's preferences (an unsaved default with everything on when they never chose)."""
    found = scoped(NotificationPreference, organization).filter(employee=employee).first()
    return found or NotificationPreference(organization=organization, employee=employee, email_off=[])


def calendar_feed_of(*, organization: Organization, employee: Employee) -> CalendarFeed | None:
    return scoped(CalendarFeed, organization).filter(employee=employee).first()


# --- Admins: a program's matches in progress ---------------------------------------------------------------


@dataclass
class MatchProgress:
    """One match as the admin overview shows it: dates and counts only, never notes or feedback."""

    match: Match
    people: list[MatchMember]
    held: int
    missed: int
    cancelled: int
    last_held_at: datetime | None
    next_at: datetime | None
    nudges: int
    goals: int
    goals_done: int

    @property
    def days_since_last(self) -> int | None:
        since = self.last_held_at or self.match.started_at
        return None if since is None else (timezone.now() - since).days


def program_mentoring_overview(
    *, organization: Organization, program: Program, status: str = ""
) -> list[MatchProgress]:
    """The program's started matches with their session counts and dates, in a constant number of queries."""
    now = timezone.now()
    matches = (
        matches_with_members(organization)
        .filter(program=program, status__in=MENTORING_STATUSES)
        .annotate(
            held=Count("sessions", filter=Q(sessions__status=MentoringSession.Status.HELD), distinct=True),
            missed=Count("sessions", filter=Q(sessions__status=MentoringSession.Status.MISSED), distinct=True),
            cancelled=Count("sessions", filter=Q(sessions__status=MentoringSession.Status.CANCELLED), distinct=True),
            last_held_at=Max("sessions__starts_at", filter=Q(sessions__status=MentoringSession.Status.HELD)),
            next_at=Min(
                "sessions__starts_at",
                filter=Q(sessions__status=MentoringSession.Status.SCHEDULED, sessions__starts_at__gte=now),
            ),
        )
        .order_by("status", "-started_at", "id")
    )
    if status:
        matches = matches.filter(status=status)
    matches = list(matches)
    ids = [m.pk for m in matches]
    nudges = dict(
        scoped(Reminder, organization)
        .filter(match_id__in=ids, kind=Reminder.Kind.INACTIVITY_NUDGE, status=Reminder.Status.SENT)
        .values("match_id")
        .annotate(n=Count("slot", distinct=True))
        .values_list("match_id", "n")
    )
    goal_rows = (
        scoped(Goal, organization)
        .filter(match_id__in=ids)
        .values("match_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Goal.Status.DONE)))
    )
    goals = {row["match_id"]: (row["n"], row["done"]) for row in goal_rows}
    return [
        MatchProgress(
            match=m,
            people=people_of(m),
            held=m.held,
            missed=m.missed,
            cancelled=m.cancelled,
            last_held_at=m.last_held_at,
            next_at=m.next_at,
            nudges=nudges.get(m.pk, 0),
            goals=goals.get(m.pk, (0, 0))[0],
            goals_done=goals.get(m.pk, (0, 0))[1],
        )
        for m in matches
    ]


def program_match_for_admin(*, organization: Organization, program: Program, match_id: int) -> Match:
    return get_scoped_or_404(
        matches_with_members(organization).filter(program=program, status__in=MENTORING_STATUSES),
        organization,
        pk=match_id,
    )


# --- Calendar feed ----------------------------------------------------------------------------------------

FEED_HISTORY_DAYS = 180


def feed_sessions(*, organization: Organization, employee: Employee, now: datetime | None = None):
    """The sessions a person's calendar feed lists: the last six months and everything ahead, cancelled ones
    included (so subscribed calendars remove them)."""
    since = (now or timezone.now()) - timedelta(days=FEED_HISTORY_DAYS)
    queryset = sessions_of_member(organization=organization, employee=employee).filter(starts_at__gte=since)
    return _with_match_members(queryset, organization).order_by("starts_at", "id")


# --- API


def session_list_of_member(
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
    queryset = sessions_of_member(organization=organization, employee=employee)
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


def goal_list_of_member(
    *, organization: Organization, employee: Employee, match_id: int | None = None, status: str = ""
) -> QuerySet[Goal]:
    """The goals a person sees, optionally those of one of their matches (its shared goals and the personal
    goals of its people that this person may see; none for a match that is not theirs) or of one status."""
    goals = goals_visible_to(organization=organization, employee=employee)
    if match_id is not None:
        match = mentoring_matches(organization=organization, employee=employee).filter(pk=match_id).first()
        if match is None:
            return goals.none()
        goals = goals.filter(
            pk__in=goals_of_match(organization=organization, match=match, viewer=employee).values("pk")
        )
    if status:
        goals = goals.filter(status=status)
    return goals.order_by(*GOAL_ORDER)


def milestones_visible_to(*, organization: Organization, employee: Employee) -> QuerySet[Milestone]:
    """The milestones of the goals this person sees (milestone_for_member, as a queryset)."""
    visible = scoped(Goal, organization).filter(visible_goals_q(organization, employee)).values("pk")
    return scoped(Milestone, organization).filter(goal_id__in=visible).select_related("goal")


def program_mentoring_matches(*, organization: Organization, program: Program) -> QuerySet[Match]:
    """The program's started matches (active, completed, ended) with their people: what an admin acts on from
    the mentoring overview (program_match_for_admin, as a queryset)."""
    return matches_with_members(organization).filter(program=program, status__in=MENTORING_STATUSES)


# --- Pages


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


def goal_matches(*, organization: Organization, goal: Goal) -> list[Match]:
    """The matches a goal belongs to, with their people: a shared goal's match, or the mentoring matches of a
    personal goal's participant (who may edit it, whose comments are a mentor's, where the page links back)."""
    matches = matches_with_members(organization).filter(status__in=MENTORING_STATUSES)
    if goal.match_id is not None:
        return list(matches.filter(pk=goal.match_id))
    places = (
        scoped(MatchMember, organization)
        .filter(participant_id=goal.participant_id)
        .exclude(response=MatchMember.Response.DECLINED)
        .values("match_id")
    )
    return list(matches.filter(pk__in=places).order_by("status", "-started_at", "-id"))


def unread_count_cached(*, organization_id: int, employee_id: int) -> int | None:
    """The cached count of unread notices (as unread_count keeps it), or None when it is not cached: no query."""
    return cache.get(unread_cache_key(organization_id, employee_id))


def unread_count_remember(*, organization_id: int, employee_id: int, count: int) -> None:
    """Cache a count read along with another query (unread_count_subquery), exactly as unread_count does."""
    cache.set(unread_cache_key(organization_id, employee_id), count, UNREAD_CACHE_SECONDS)


def unread_count_subquery() -> QuerySet[Notification]:
    """An annotation for a Membership queryset: how many unread notices its employee has in its organization
    (NULL for none). Every page's navigation lists the user's organizations anyway; counting in that same query
    lets a cache miss cost no query of its own. Scoped by the membership's own organization (OuterRef)."""
    return (
        Notification.objects.filter(
            organization_id=OuterRef("organization_id"), recipient_id=OuterRef("employee_id"), read_at__isnull=True
        )
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
