"""The matches a person works in (or worked in), and who is in them. Who sees a match, its sessions,
shared notes and goals: its members (current ones, and everyone of a completed or ended match; never someone
who declined it)."""

from __future__ import annotations

from django.db.models import QuerySet

from matching.models import LEAD_ROLES, Match, MatchMember
from matching.selectors import matches_with_members
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped

# Matches whose members work together now or did: what the mentoring pages show.
STARTED_MATCH_STATUSES = (Match.Status.ACTIVE, Match.Status.COMPLETED, Match.Status.ENDED)


def match_places_of(organization: Organization, employee: Employee) -> QuerySet[MatchMember]:
    """This person's places in matches: everyone but who declined (a decliner was never part of it)."""
    return (
        scoped(MatchMember, organization)
        .filter(participant__employee=employee)
        .exclude(response=MatchMember.Response.DECLINED)
    )


def places_stamp(organization: Organization, employee: Employee) -> tuple:
    """What this person's places in matches are now (which matches, their status, whether they are in them),
    in one small query: cached pages that depend on who sees what carry it (sessions/page_cache.py)."""
    places = match_places_of(organization, employee).order_by("match_id", "pk")
    return tuple(places.values_list("match_id", "match__status", "current"))


def matches_stamp(organization: Organization, employee: Employee) -> tuple:
    """Who is in this person's matches now and how (everyone's place, role, answer and request to complete; the
    match's status), in one small query: the rendered pages that show these matches carry it
    (sessions/page_cache.py), so matching's writes change them without telling the cache."""
    mine = match_places_of(organization, employee).values("match_id")
    members = scoped(MatchMember, organization).filter(match_id__in=mine)
    return tuple(
        members.order_by("match_id", "pk").values_list(
            "match_id",
            "match__status",
            "participant__employee_id",
            "role",
            "current",
            "response",
            "completion_requested_at",
        )
    )


def stamp_started_match_ids(stamp: tuple, employee: Employee) -> set[int]:
    """The matches of `matches_stamp` that `started_matches_of` lists: started, and this person has a place in
    them they did not decline."""
    return {
        match_id
        for match_id, status, employee_id, _role, _current, response, _asked in stamp
        if employee_id == employee.pk and status in STARTED_MATCH_STATUSES and response != MatchMember.Response.DECLINED
    }


def started_matches_of(*, organization: Organization, employee: Employee) -> QuerySet[Match]:
    """The matches this person works (or worked) in, active first, with members and program prefetched."""
    return (
        matches_with_members(organization)
        .filter(pk__in=match_places_of(organization, employee).values("match_id"), status__in=STARTED_MATCH_STATUSES)
        .order_by("status", "-started_at", "-id")
    )


def match_for_employee(*, organization: Organization, employee: Employee | None, match_id: int) -> Match:
    """One of this person's mentoring matches, or 404 (missing, someone else's, or not started)."""
    if employee is None:
        return get_scoped_or_404(Match.objects.none(), organization, pk=match_id)
    return get_scoped_or_404(
        started_matches_of(organization=organization, employee=employee), organization, pk=match_id
    )


def match_members_of(match: Match) -> list[MatchMember]:
    """Who is (or was, for a finished match) in it: leads first; never members who declined (no query)."""
    members = [m for m in match.members.all() if m.response != MatchMember.Response.DECLINED]
    shown = [m for m in members if m.current] or members
    return sorted(shown, key=lambda m: (m.role not in LEAD_ROLES, m.participant.employee.name, m.pk))
