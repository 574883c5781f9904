"""Helpers the matching services share: locking, capacity, explanations of single pairs, and emails."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404
from programs.models import Participant, Program

from .. import scoring
from ..models import ExcludedPair, Match, MatchMember
from ..profiles import Profile
from .loading import FOLLOWER_ROLES, LEAD_ROLES, PARTICIPANT_FIELDS, manager_chains, profile_of, program_questions

logger = logging.getLogger(__name__)

# Used when no request is at hand to build absolute links (a task, a shell); SITE_URL overrides it.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SCORE_DIGITS = 4


def lock_program(organization: Organization | int, program_id: int) -> Program:
    """The program, locked for this transaction: runs and edits of one program's matches take turns."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    program = Program.objects.select_for_update().filter(organization_id=organization_id, pk=program_id).first()
    if program is None:
        raise ValidationError("No such program.")
    return program


def lock_match(organization: Organization, match_id: int) -> Match:
    return get_scoped_or_404(Match.objects.select_for_update().select_related("program"), organization, pk=match_id)


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
                raise ValidationError(f"This pair is not allowed: {explanation.forbidden}.")
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


# --- Emails ----------------------------------------------------------------------------------------


def match_url(organization_slug: str, match_id: int) -> str:
    base = (getattr(settings, "SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    try:
        path = reverse("my-match", kwargs={"org_slug": organization_slug, "match_pk": match_id})
    except NoReverseMatch:  # the participant pages are not installed (yet): the agreed path
        path = f"/o/{organization_slug}/matches/{match_id}/"
    return base + path


def notify_matched_on_commit(match_ids: list[int]) -> None:
    """After commit, email everyone in these matches a link to their match page (to accept or decline)."""
    if match_ids:
        ids = list(match_ids)
        transaction.on_commit(lambda: send_match_emails(ids))


def send_match_emails(match_ids: list[int]) -> int:
    members = (
        MatchMember.objects.filter(match_id__in=match_ids, current=True)
        .select_related("match__program", "match__organization", "participant__employee")
        .order_by("match_id", "role", "id")
    )
    by_match: dict[int, list[MatchMember]] = {}
    for member in members:
        by_match.setdefault(member.match_id, []).append(member)
    messages = []
    for match_id, people in by_match.items():
        match = people[0].match
        for member in people:
            employee = member.participant.employee
            if not employee.email:
                continue
            others = ", ".join(p.participant.employee.name for p in people if p.pk != member.pk)
            role = member.get_role_display().lower()
            body = (
                f"Hello {employee.name},\n\n"
                f"You have a new {'circle' if match.kind == Match.Kind.CIRCLE else 'mentoring match'} in "
                f"{match.program.name} at {match.organization.name}: you take part as {role}, with {others}.\n\n"
                "See why you were matched, and accept or decline, here:\n"
                f"{match_url(match.organization.slug, match_id)}\n"
            )
            subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your match in {match.program.name}"
            messages.append((subject, body, None, [employee.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)


def notify_on_commit(subject: str, body: str, emails: list[str]) -> None:
    recipients = [e for e in emails if e]
    if recipients:
        full_subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject
        transaction.on_commit(
            lambda: send_mass_mail([(full_subject, body, None, [email]) for email in recipients], fail_silently=False)
        )
