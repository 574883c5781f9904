"""Every read of the matching app, scoped by organization in the query, with what the pages and the API
show prefetched so that templates and serializers never query per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Participant, Program

from .models import Match, MatchMember, MatchRun, MentorRequest

SHOWN_STATUSES = [s for s in Match.Status.values if s != Match.Status.DISCARDED]


def runs_of_program(*, organization: Organization, program: Program) -> QuerySet[MatchRun]:
    # The proposal can hold thousands of entries: lists never need it.
    return (
        scoped(MatchRun, organization)
        .filter(program=program)
        .select_related("started_by")
        .defer("proposal")
        .order_by("-created_at", "-id")
    )


def run_get(*, organization: Organization, run_id: int) -> MatchRun:
    return get_scoped_or_404(MatchRun.objects.select_related("program", "started_by"), organization, pk=run_id)


def _members_prefetch(organization: Organization) -> Prefetch:
    return Prefetch(
        "members",
        queryset=scoped(MatchMember, organization)
        .select_related("participant__employee")
        .order_by("role", "participant__employee__name", "id"),
    )


def matches_with_members(organization: Organization) -> QuerySet[Match]:
    """Matches with their members, participants and employees prefetched (members include former ones:
    filter on `current` when showing who is in it now)."""
    return (
        scoped(Match, organization).select_related("program", "run").prefetch_related(_members_prefetch(organization))
    )


def proposed_matches(
    *, organization: Organization, run: MatchRun | None = None, program: Program | None = None, status: str = ""
) -> QuerySet[Match]:
    """The matches a run wrote (or a program's), best score first; never the discarded ones."""
    queryset = matches_with_members(organization)
    if run is not None:
        queryset = queryset.filter(run=run)
    if program is not None:
        queryset = queryset.filter(program=program)
    queryset = queryset.filter(status=status) if status else queryset.filter(status__in=SHOWN_STATUSES)
    return queryset.order_by("-score", "id")


def matches_of_program(*, organization: Organization, program: Program, status: str = "") -> QuerySet[Match]:
    return proposed_matches(organization=organization, program=program, status=status)


def match_get(*, organization: Organization, match_id: int) -> Match:
    return get_scoped_or_404(matches_with_members(organization), organization, pk=match_id)


def run_match_counts(*, organization: Organization, run: MatchRun) -> dict[str, int]:
    """{match status: count} of the matches this run wrote."""
    rows = scoped(Match, organization).filter(run=run).values("status").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(Match.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def run_histogram(*, organization: Organization, run: MatchRun) -> list[dict[str, Any]]:
    """The run's score distribution as bins: [{low, high, label, count}] (from its figures: no query)."""
    data = (run.figures or {}).get("histogram") or {}
    edges, counts = data.get("edges") or [], data.get("counts") or []
    return [
        {"low": low, "high": high, "label": f"{low:.1f} to {high:.1f}", "count": count}
        for low, high, count in zip(edges[:-1], edges[1:], counts, strict=False)
    ]


def unmatched_of_run(*, organization: Organization, run: MatchRun) -> list[dict[str, Any]]:
    """[{participant (with employee), code, reason}] for the people the run left unmatched, by name."""
    entries = (run.figures or {}).get("unmatched") or []
    participants = (
        scoped(Participant, organization)
        .filter(program_id=run.program_id)
        .select_related("employee")
        .in_bulk([entry["participant_id"] for entry in entries])
    )
    rows = [
        {"participant": participants[entry["participant_id"]], "code": entry.get("code", ""), "reason": entry["reason"]}
        for entry in entries
        if entry["participant_id"] in participants
    ]
    return sorted(rows, key=lambda row: row["participant"].employee.name)


def matches_of_employee(
    *, organization: Organization, employee: Employee, current_only: bool = False
) -> QuerySet[Match]:
    """The matches this person is (or was) in, newest first; never proposals they were not told about."""
    mine = scoped(MatchMember, organization).filter(participant__employee=employee)
    if current_only:
        mine = mine.filter(current=True)
    return (
        matches_with_members(organization)
        .filter(pk__in=mine.values("match_id"))
        .exclude(status__in=[Match.Status.PROPOSED, Match.Status.DISCARDED])
        .order_by("-created_at", "-id")
    )


# What the "my matches" cards show of a match and of its people: the page reads only these columns (fewer to
# select and to build, on a page every participant opens).
_CARD_MATCH_FIELDS = ("organization_id", "program_id", "status", "score", "explanation", "created_at", "program__name")
_CARD_MEMBER_FIELDS = (
    "organization_id",
    "match_id",
    "role",
    "current",
    "response",
    "participant__employee__name",
    "participant__employee__email",
    "participant__employee__title",
    "participant__employee__department",
    "participant__employee__location",
)


def match_cards_of_employee(*, organization: Organization, employee: Employee) -> QuerySet[Match]:
    """matches_of_employee with only what the person's list of matches shows: each match's program name, status,
    score and explanation, and its people's names, roles, answers and how to reach them."""
    members = Prefetch(
        "members",
        queryset=scoped(MatchMember, organization)
        .select_related("participant__employee")
        .only(*_CARD_MEMBER_FIELDS)
        .order_by("role", "participant__employee__name", "id"),
    )
    return (
        matches_of_employee(organization=organization, employee=employee)
        .select_related(None)
        .select_related("program")
        .only(*_CARD_MATCH_FIELDS)
        .prefetch_related(None)
        .prefetch_related(members)
    )


def match_of_employee(*, organization: Organization, employee: Employee | None, match_id: int) -> Match:
    """One of this person's matches, or 404: the same answer whether it does not exist or is someone else's."""
    if employee is None:
        return get_scoped_or_404(Match.objects.none(), organization, pk=match_id)
    return get_scoped_or_404(
        matches_of_employee(organization=organization, employee=employee), organization, pk=match_id
    )


def match_member_of(match: Match, employee: Employee) -> MatchMember | None:
    """This person's match member in a match fetched with `matches_with_members` (no query): their current
    place, else the last one they had."""
    mine = [m for m in match.members.all() if m.participant.employee_id == employee.pk]
    return next((m for m in mine if m.current), mine[0] if mine else None)


def mentor_requests_of(*, organization: Organization, employee: Employee) -> QuerySet[MentorRequest]:
    """Requests this person sent (as mentee) or received (as mentor), newest first."""
    return (
        scoped(MentorRequest, organization)
        .filter(Q(mentee__employee=employee) | Q(mentor__employee=employee))
        .select_related("program", "mentee__employee", "mentor__employee")
        .order_by("-created_at", "-id")
    )


# --- Re-matches a decline started (services/responses.py: rematch_offer) ---------------------------------
# A decline frees the pair and starts, in the same transaction and started by nobody, a run scoped to the
# people it freed. Nothing stores the link; it is read back from what the decline left: the decliner's
# MatchMember (response "declined", responded_at) is in the run's scope and answered just before it was
# created (the same request: within REMATCH_WINDOW, however slow).
REMATCH_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class RematchOrigin:
    run_id: int  # the re-match run
    match_id: int  # the declined match
    decliner: str  # their name
    declined_run_id: int | None  # the run that had proposed the declined match


def _declines(organization: Organization, **filters: Any) -> list[tuple[datetime, MatchMember]]:
    """(when, the decliner's MatchMember) of the declines the filters name."""
    members = (
        scoped(MatchMember, organization)
        .filter(response=MatchMember.Response.DECLINED, responded_at__isnull=False, **filters)
        .select_related("participant__employee", "match")
    )
    return [(member.responded_at, member) for member in members if member.responded_at is not None]


def _pair_up(runs: list[MatchRun], declines: list[tuple[datetime, MatchMember]]) -> list[RematchOrigin]:
    origins = []
    for run in runs:
        scope = set(run.scope_participant_ids or [])
        found = [
            (when, d)
            for when, d in declines
            if d.participant_id in scope and run.created_at - REMATCH_WINDOW <= when <= run.created_at
        ]
        if found:
            _when, last = max(found, key=lambda pair: pair[0])
            origins.append(RematchOrigin(run.pk, last.match_id, last.participant.employee.name, last.match.run_id))
    return origins


def rematch_origins(*, organization: Organization, runs: list[MatchRun]) -> dict[int, RematchOrigin]:
    """{run id: the decline that started it} for the re-match runs among `runs` (one query at most)."""
    rematches = [run for run in runs if run.scope_participant_ids and run.started_by_id is None]
    if not rematches:
        return {}
    scope = {pk for run in rematches for pk in run.scope_participant_ids}
    declines = _declines(
        organization,
        participant_id__in=scope,
        responded_at__gte=min(run.created_at for run in rematches) - REMATCH_WINDOW,
        responded_at__lte=max(run.created_at for run in rematches),
    )
    return {origin.run_id: origin for origin in _pair_up(rematches, declines)}


def rematches_after_declines(*, organization: Organization, run: MatchRun) -> list[RematchOrigin]:
    """The re-match runs that declines of this run's matches started, newest first (two queries at most)."""
    declines = _declines(organization, match__run=run)
    if not declines:
        return []
    times = [when for when, _member in declines]
    candidates = list(
        scoped(MatchRun, organization)
        .filter(
            program_id=run.program_id,
            started_by__isnull=True,
            created_at__gte=min(times),
            created_at__lte=max(times) + REMATCH_WINDOW,
        )
        .exclude(scope_participant_ids=[])
        .defer("proposal", "figures")
        .order_by("-created_at", "-id")
    )
    return _pair_up(candidates, declines)
