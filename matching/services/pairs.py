"""Chosen pairs, as the matching services judge them: the score and explanation of a mentor with one or more
mentees under a run's criteria and hard rules (an admin's edit, a mentee's request), a mentor's room left, and
the pairs never to propose again. Private to matching.services (and the admin's edit page, which shows the same
figures)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization
from programs.models import Participant, Program

from .. import scoring
from ..models import FOLLOWER_ROLES, LEAD_ROLES, ExcludedPair, Match, MatchMember
from ..profiles import Profile
from .loading import PARTICIPANT_FIELDS, manager_chains, profile_of, program_questions

SCORE_DIGITS = 4


def pairs_exclude(
    organization: Organization, match: Match, lead: MatchMember | None, mentee_ids: list[int], reason: str
) -> None:
    """Never propose the lead with these mentees again (after a decline or an early end)."""
    if lead is None or not mentee_ids:
        return
    ExcludedPair.objects.bulk_create(
        [
            ExcludedPair(
                organization=organization,
                program=match.program,
                mentor_id=lead.participant_id,
                mentee_id=mentee_id,
                reason=reason[:200],
            )
            for mentee_id in mentee_ids
        ],
        ignore_conflicts=True,
    )


def explanation_json(parts: Iterable[tuple[str, float]]) -> list[dict[str, Any]]:
    """The engine's (label, contribution) parts as stored on Match / MentorRequest, biggest first."""
    rows = [{"label": str(label), "contribution": round(float(value), SCORE_DIGITS)} for label, value in parts]
    return sorted(rows, key=lambda row: -row["contribution"])


@overload
def rounded(score: float) -> float: ...
@overload
def rounded(score: None) -> None: ...
def rounded(score: float | None) -> float | None:
    return None if score is None else round(float(score), SCORE_DIGITS)


def mentor_load(organization_id: int, program: Program, mentor_ids: Iterable[int], *, exclude_match: int | None = None):
    """{mentor participant id: places taken} by current matches (a circle takes a place per member)."""
    leads = MatchMember.objects.filter(
        organization_id=organization_id,
        program=program,
        current=True,
        role__in=LEAD_ROLES,
        participant_id__in=list(mentor_ids),
    )
    if exclude_match is not None:
        leads = leads.exclude(match_id=exclude_match)
    if not program.is_group:
        counts = leads.values("participant_id").annotate(n=Count("id")).order_by()
        return {row["participant_id"]: row["n"] for row in counts}
    load: dict[int, int] = {}
    match_ids = dict(leads.values_list("match_id", "participant_id"))
    sizes = (
        MatchMember.objects.filter(organization_id=organization_id, match_id__in=list(match_ids), current=True)
        .filter(role__in=FOLLOWER_ROLES)
        .values("match_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in sizes:
        lead = match_ids[row["match_id"]]
        load[lead] = load.get(lead, 0) + row["n"]
    return load


def capacity_of(participant: Participant, program: Program) -> int:
    return participant.capacity or program.default_mentor_capacity


@dataclass
class PairJudge:
    """Scores and explains chosen pairs of one program (an admin's edit, a mentee's request), with the same
    criteria and hard rules as a run. Loads what it needs in a constant number of queries."""

    program: Program
    profiles: dict[int, Profile]
    criteria: list
    excluded: set[tuple[int, int]]

    @classmethod
    def load(
        cls,
        organization_id: int,
        program: Program,
        participant_ids: Iterable[int],
        *,
        weights: dict[str, float] | None = None,
    ) -> PairJudge:
        rows = list(
            Participant.objects.filter(
                organization_id=organization_id, program=program, pk__in=list(participant_ids)
            ).values(*PARTICIPANT_FIELDS)
        )
        chains = manager_chains(
            list(Employee.objects.filter(organization_id=organization_id).values_list("id", "manager_id"))
        )
        profiles = {row["id"]: profile_of(row, chains, program.default_mentor_capacity) for row in rows}
        criteria = scoring.criteria_for(program.kind, program_questions(organization_id, program), weights or None)
        excluded = set(
            ExcludedPair.objects.filter(
                organization_id=organization_id, program=program, mentee_id__in=list(profiles)
            ).values_list("mentee_id", "mentor_id")
        )
        return cls(program=program, profiles=profiles, criteria=criteria, excluded=excluded)

    def explain(self, mentee_id: int, mentor_id: int):
        return scoring.explain(
            self.profiles[mentee_id],
            self.profiles[mentor_id],
            self.criteria,
            program_kind=self.program.kind,
            max_tz_gap_hours=self.program.max_time_zone_gap_hours,
            excluded=self.excluded,
        )

    def judge(self, mentee_ids: list[int], mentor_id: int) -> tuple[float | None, list[dict[str, Any]]]:
        """Score and explanation of a mentor with one mentee (a pair) or several (a circle: the mean of
        each part, so the parts still add up to the score). Raises ValidationError for a forbidden pair."""
        explained = []
        for mentee_id in mentee_ids:
            explanation = self.explain(mentee_id, mentor_id)
            if explanation.forbidden:
                raise ValidationError(_("This pair is not allowed: %(reason)s.") % {"reason": explanation.forbidden})
            explained.append(explanation)
        return combine(explained)


def combine(explanations: list) -> tuple[float | None, list[dict[str, Any]]]:
    """One score and explanation for one or more explained pairs (their mean, part by part)."""
    if not explanations:
        return None, []
    count = len(explanations)
    totals: dict[str, float] = {}
    for explanation in explanations:
        for label, value in explanation.parts:
            totals[label] = totals.get(label, 0.0) + float(value)
    score = sum(float(e.score or 0.0) for e in explanations) / count
    return rounded(score), explanation_json((label, value / count) for label, value in totals.items())
