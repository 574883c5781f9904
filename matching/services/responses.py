"""Participants answer an approved match: accept, or decline with a reason.

Everyone accepted: the match is active and its people are "matched". A decline in a pair ends the pair:
both are free again, the pair is never proposed again (ExcludedPair), and a re-match is started for the
affected people only; accepted and pinned matches of everyone else stay as they are. In a circle, a
member who declines leaves it alone (the circle goes on); a facilitator who declines ends the circle.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped
from programs.models import Participant, Program

from ..models import FOLLOWER_ROLES, LEAD_ROLES, Match, MatchMember, MatchRun
from .locks import lock_match
from .pairs import pairs_exclude
from .runs import match_run_start

logger = logging.getLogger(__name__)

MAX_REASON = 1000


@transaction.atomic
def match_respond(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    match_id: int,
    accept: bool,
    reason: str = "",
) -> Match:
    """`employee` accepts or declines their place in an approved match. Someone who is not in the match gets
    404, the same answer as for a match that does not exist. After a decline, `match.rematch_run` is the
    re-match run started for the people it freed (None when none could start now)."""
    match = lock_match(organization, match_id)
    member = (
        scoped(MatchMember, organization)
        .select_for_update()
        .filter(match=match, participant__employee=employee, current=True)
        .select_related("participant")
        .first()
    )
    if member is None:
        raise Http404("No such match.")
    match.rematch_run = None  # type: ignore[attr-defined]
    if match.status != Match.Status.APPROVED:
        raise ValidationError(
            _("This match is already active.")
            if match.status == Match.Status.ACTIVE
            else _("This match is not open for answers.")
        )
    now = timezone.now()
    if accept:
        if member.response != MatchMember.Response.ACCEPTED:
            member.response, member.responded_at, member.decline_reason = MatchMember.Response.ACCEPTED, now, ""
            member.save(update_fields=["response", "responded_at", "decline_reason"])
            audit_record(organization=organization, actor=actor, verb="match.accept", target=match)
        _activate_if_everyone_accepted(organization, match, now)
        return match

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell us briefly why, so the next match fits better.")]})
    member.response, member.responded_at, member.decline_reason = (
        MatchMember.Response.DECLINED,
        now,
        reason[:MAX_REASON],
    )
    member.save(update_fields=["response", "responded_at", "decline_reason"])
    members = list(scoped(MatchMember, organization).filter(match=match, current=True).select_related("participant"))
    lead = next((m for m in members if m.role in LEAD_ROLES), None)
    leaving = members if (match.kind == Match.Kind.PAIR or member.role in LEAD_ROLES) else [member]
    followers_freed = [m.participant_id for m in leaving if m.role in FOLLOWER_ROLES]
    pairs_exclude(organization, match, lead, followers_freed, f"Declined match {match.pk}")
    scoped(MatchMember, organization).filter(pk__in=[m.pk for m in leaving]).update(current=False)
    if len(leaving) == len(members):
        match.status = Match.Status.DECLINED
        match.ended_at = now
        match.end_reason = reason[:MAX_REASON]
        match.pinned = False
        match.save(update_fields=["status", "ended_at", "end_reason", "pinned", "updated_at"])
    participants_free(organization, match.program, [m.participant_id for m in leaving])
    audit_record(
        organization=organization,
        actor=actor,
        verb="match.decline",
        target=match,
        changes={"reason": [None, reason[:200]], "freed": [None, followers_freed]},
    )
    if match.status == Match.Status.APPROVED:
        _activate_if_everyone_accepted(organization, match, now)
    match.rematch_run = rematch_offer(organization, match.program, [m.participant_id for m in leaving])  # type: ignore[attr-defined]
    return match


def _activate_if_everyone_accepted(organization: Organization, match: Match, now) -> None:
    responses = list(
        scoped(MatchMember, organization).filter(match=match, current=True).values_list("participant_id", "response")
    )
    if not responses or any(response != MatchMember.Response.ACCEPTED for _, response in responses):
        return
    match.status = Match.Status.ACTIVE
    match.started_at = now
    match.save(update_fields=["status", "started_at", "updated_at"])
    scoped(Participant, organization).filter(pk__in=[pid for pid, _ in responses]).exclude(
        status=Participant.Status.MATCHED
    ).update(status=Participant.Status.MATCHED, updated_at=now)
    audit_record(organization=organization, actor=None, verb="match.activate", target=match)


def participants_free(organization: Organization, program: Program, participant_ids: list[int]) -> None:
    """Freed people are approved again (available to match), unless (mentors) they still have another
    active match."""
    still_matched = set(
        scoped(MatchMember, organization)
        .filter(program=program, participant_id__in=participant_ids, current=True, match__status=Match.Status.ACTIVE)
        .values_list("participant_id", flat=True)
    )
    scoped(Participant, organization).filter(
        pk__in=[pid for pid in participant_ids if pid not in still_matched], status=Participant.Status.MATCHED
    ).update(status=Participant.Status.APPROVED, updated_at=timezone.now())


def rematch_offer(organization: Organization, program: Program, participant_ids: list[int]) -> MatchRun | None:
    """Start a re-match for the people a decline (or an early end) freed (started by nobody: the system, not
    the person who declined). In mentee-choice mode the mentee picks again from suggestions instead; when a
    run is already in progress the admin re-runs later."""
    if program.match_mode == Program.MatchMode.MENTEE_CHOICE:
        return None
    try:
        with transaction.atomic():
            return match_run_start(
                organization=organization, actor=None, program_id=program.pk, scope_participant_ids=participant_ids
            )
    except ValidationError as error:
        logger.info("No re-match for program %s now: %s", program.pk, " ".join(error.messages))
        return None
