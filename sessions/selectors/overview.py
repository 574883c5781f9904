"""For HR admins: a program's started matches in progress, as counts and dates only (never notes,
feedback or goals' content)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from matching.models import LEAD_ROLES, Match, MatchMember
from matching.selectors import matches_with_members
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Program

from ..models import Goal, MentoringSession, Reminder
from .matches import STARTED_MATCH_STATUSES


@dataclass(frozen=True)
class OverviewPerson:
    """Someone in a match, as the overview names them."""

    name: str
    role: str

    def get_role_display(self) -> str:
        return str(MatchMember.Role(self.role).label)


@dataclass
class MatchProgress:
    """One match as the admin overview shows it: dates and counts only, never notes or feedback."""

    match: Match
    members: list[OverviewPerson]  # as match_members_of chooses and orders them
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


def program_match_progress(*, organization: Organization, program: Program, status: str = "") -> list[MatchProgress]:
    """The program's started matches with their session counts and dates, in a constant number of queries."""
    now = timezone.now()
    matches = (
        scoped(Match, organization)
        .filter(program=program, status__in=STARTED_MATCH_STATUSES)
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
    rows = list(matches)
    ids = [m.pk for m in rows]
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
    people = _people_of(organization, ids)
    return [
        MatchProgress(
            match=m,
            members=people.get(m.pk, []),
            held=m.held,
            missed=m.missed,
            cancelled=m.cancelled,
            last_held_at=m.last_held_at,
            next_at=m.next_at,
            nudges=nudges.get(m.pk, 0),
            goals=goals.get(m.pk, (0, 0))[0],
            goals_done=goals.get(m.pk, (0, 0))[1],
        )
        for m in rows
    ]


def _people_of(organization: Organization, match_ids: list[int]) -> dict[int, list[OverviewPerson]]:
    """Who is named in each match, as match_members_of chooses them (never who declined; current members, or
    everyone once nobody is; leads first, then by name), read as values: no model rows to build per person."""
    places: dict[int, list[tuple[bool, str, str, int]]] = defaultdict(list)
    rows = (
        scoped(MatchMember, organization)
        .filter(match_id__in=match_ids)
        .exclude(response=MatchMember.Response.DECLINED)
        .values_list("match_id", "current", "role", "participant__employee__name", "pk")
    )
    for match_id, current, role, name, pk in rows:
        places[match_id].append((current, role, name, pk))
    people = {}
    for match_id, members in places.items():
        shown = [m for m in members if m[0]] or members
        shown.sort(key=lambda m: (m[1] not in LEAD_ROLES, m[2], m[3]))
        people[match_id] = [OverviewPerson(name=name, role=role) for _current, role, name, _pk in shown]
    return people


def program_match_for_admin(*, organization: Organization, program: Program, match_id: int) -> Match:
    return get_scoped_or_404(
        matches_with_members(organization).filter(program=program, status__in=STARTED_MATCH_STATUSES),
        organization,
        pk=match_id,
    )


def program_started_matches(*, organization: Organization, program: Program) -> QuerySet[Match]:
    """The program's started matches (active, completed, ended) with their people: what an admin acts on from
    the mentoring overview (program_match_for_admin, as a queryset)."""
    return matches_with_members(organization).filter(program=program, status__in=STARTED_MATCH_STATUSES)
