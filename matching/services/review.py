"""The admin's review of proposed matches: edit a pair (another mentor, another mentee), pin a match a
re-run must keep, approve (in bulk or one by one; participants are emailed), discard."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.outbox import outbox_record_many
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Participant, Program

from ..models import FOLLOWER_ROLES, LEAD_ROLES, Match, MatchMember
from .emails import notify_matched_on_commit
from .loading import MENTOR_STATUSES
from .locks import lock_match, lock_program
from .pairs import PairJudge, capacity_of, mentor_load

EDITABLE = (Match.Status.PROPOSED,)


def _members(match: Match) -> tuple[MatchMember | None, list[MatchMember]]:
    members = list(
        MatchMember.objects.filter(organization_id=match.organization_id, match=match, current=True).order_by("id")
    )
    lead = next((m for m in members if m.role in LEAD_ROLES), None)
    return lead, [m for m in members if m.role in FOLLOWER_ROLES]


def _editable(organization: Organization, match_id: int) -> Match:
    match = lock_match(organization, match_id)
    if match.status not in EDITABLE:
        raise ValidationError(_("Only a proposed match can be changed; discard it or let the participants decline."))
    return match


def _judge(organization: Organization, match: Match, participant_ids: Iterable[int]) -> PairJudge:
    weights = match.run.weights if match.run_id and match.run else None
    return PairJudge.load(organization.pk, match.program, participant_ids, weights=weights)


@transaction.atomic
def match_swap(*, organization: Organization, actor: User, match_id: int, mentor_participant_id: int) -> Match:
    """Give a proposed match another mentor (or circle facilitator). The new mentor must be available in the
    same program, have room, and be allowed with every mentee of the match; score and explanation are
    computed again."""
    match = _editable(organization, match_id)
    lead, followers = _members(match)
    # Locking the new mentor's enrollment makes two edits that give away their last place take turns.
    mentor = get_scoped_or_404(
        Participant.objects.select_for_update().select_related("employee"),
        organization,
        pk=mentor_participant_id,
        program_id=match.program_id,
    )
    if mentor.role != Participant.Role.MENTOR or mentor.status not in MENTOR_STATUSES:
        raise ValidationError(_("Choose an approved mentor of this program."))
    if lead is not None and lead.participant_id == mentor.pk:
        return match
    needed = len(followers) if match.program.is_group else 1
    taken = mentor_load(organization.pk, match.program, [mentor.pk], exclude_match=match.pk).get(mentor.pk, 0)
    if taken + needed > capacity_of(mentor, match.program):
        raise ValidationError(_("%(name)s has no room left in this program.") % {"name": mentor.employee.name})
    judge = _judge(organization, match, [mentor.pk, *(f.participant_id for f in followers)])
    score, explanation = judge.judge([f.participant_id for f in followers], mentor.pk)
    old = lead.participant_id if lead else None
    if lead is not None:
        lead.participant = mentor
        lead.response = MatchMember.Response.PENDING
        lead.save(update_fields=["participant", "response"])
    else:
        MatchMember.objects.create(
            organization=organization,
            program=match.program,
            match=match,
            participant=mentor,
            role=MatchMember.Role.FACILITATOR if match.program.is_group else MatchMember.Role.MENTOR,
        )
    _rescore(match, score, explanation)
    audit_record(
        organization=organization, actor=actor, verb="match.swap", target=match, changes={"mentor": [old, mentor.pk]}
    )
    return match


@transaction.atomic
def match_set_mentee(*, organization: Organization, actor: User, match_id: int, mentee_participant_id: int) -> Match:
    """Give a proposed pair another mentee: an approved mentee of the program without a current match, whom
    the mentor may mentor. The previous mentee is free again."""
    match = _editable(organization, match_id)
    if match.kind != Match.Kind.PAIR:
        raise ValidationError(_("Circles change by their facilitator; members join through a run."))
    lead, followers = _members(match)
    mentee = get_scoped_or_404(
        Participant.objects.select_for_update().select_related("employee"),
        organization,
        pk=mentee_participant_id,
        program_id=match.program_id,
    )
    if mentee.role != Participant.Role.MENTEE or mentee.status != Participant.Status.APPROVED:
        raise ValidationError(_("Choose an approved mentee of this program."))
    if followers and followers[0].participant_id == mentee.pk:
        return match
    busy = (
        scoped(MatchMember, organization)
        .filter(program_id=match.program_id, participant=mentee, current=True, role__in=FOLLOWER_ROLES)
        .exists()
    )
    if busy:
        raise ValidationError(_("%(name)s already has a match; discard it first.") % {"name": mentee.employee.name})
    if lead is None:
        raise ValidationError(_("This match has no mentor."))
    judge = _judge(organization, match, [lead.participant_id, mentee.pk])
    score, explanation = judge.judge([mentee.pk], lead.participant_id)
    old = followers[0].participant_id if followers else None
    try:
        with transaction.atomic():
            if followers:
                followers[0].participant = mentee
                followers[0].response = MatchMember.Response.PENDING
                followers[0].save(update_fields=["participant", "response"])
            else:
                MatchMember.objects.create(
                    organization=organization,
                    program=match.program,
                    match=match,
                    participant=mentee,
                    role=MatchMember.Role.MENTEE,
                )
    except IntegrityError:  # matched elsewhere at the same moment: the constraint decides
        raise ValidationError(_("%(name)s already has a match.") % {"name": mentee.employee.name}) from None
    _rescore(match, score, explanation)
    audit_record(
        organization=organization,
        actor=actor,
        verb="match.set_mentee",
        target=match,
        changes={"mentee": [old, mentee.pk]},
    )
    return match


def _rescore(match: Match, score: float | None, explanation: list) -> None:
    match.score = score
    match.explanation = explanation
    match.save(update_fields=["score", "explanation", "updated_at"])


@transaction.atomic
def match_pin(*, organization: Organization, actor: User, match_id: int, pinned: bool) -> Match:
    """Pin a current match: a later run keeps it, with its people and their places, as it is."""
    match = lock_match(organization, match_id)
    if not match.is_current:
        raise ValidationError(_("Only a current match can be pinned."))
    if match.pinned != pinned:
        match.pinned = pinned
        match.save(update_fields=["pinned", "updated_at"])
        audit_record(
            organization=organization,
            actor=actor,
            verb="match.pin" if pinned else "match.unpin",
            target=match,
            changes={"pinned": [not pinned, pinned]},
        )
    return match


@transaction.atomic
def matches_approve(
    *,
    organization: Organization,
    actor: User,
    program_id: int,
    match_ids: Iterable[int] | None = None,
    notify: bool = True,
) -> int:
    """Approve proposed matches of a program: the given ones, or with `match_ids=None` all of them. Everyone
    in them is emailed (after commit) a link to accept or decline. Returns how many were approved."""
    program = get_scoped_or_404(Program, organization, pk=program_id)
    lock_program(organization, program.pk)
    matches = scoped(Match, organization).filter(program=program, status=Match.Status.PROPOSED)
    if match_ids is not None:
        matches = matches.filter(pk__in=list(match_ids))
    ids = list(matches.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    scoped(Match, organization).filter(pk__in=ids).update(
        status=Match.Status.APPROVED, approved_by=actor, approved_at=now, updated_at=now
    )
    scoped(MatchMember, organization).filter(match_id__in=ids, current=True).update(
        response=MatchMember.Response.PENDING, responded_at=None
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb="match.approve",
        target=program if len(ids) > 1 else scoped(Match, organization).get(pk=ids[0]),
        changes={"count": [None, len(ids)]},
    )
    outbox_record_many(
        organization=organization,
        event_type="match.approved",
        items=[{"match_id": pk, "program_id": program.pk, "source": "review"} for pk in ids],
    )
    if notify:
        notify_matched_on_commit(ids)
    return len(ids)


@transaction.atomic
def match_discard(*, organization: Organization, actor: User | None, match_id: int) -> Match:
    """Drop a proposed (or approved, not yet active) match; its people are free to be matched again."""
    match = lock_match(organization, match_id)
    if match.status not in (Match.Status.PROPOSED, Match.Status.APPROVED):
        raise ValidationError(_("Only a proposed or approved match can be discarded."))
    old = match.status
    now = timezone.now()
    match.status = Match.Status.DISCARDED
    match.pinned = False
    match.ended_at = now
    match.save(update_fields=["status", "pinned", "ended_at", "updated_at"])
    scoped(MatchMember, organization).filter(match=match).update(current=False)
    audit_record(
        organization=organization,
        actor=actor,
        verb="match.discard",
        target=match,
        changes={"status": [old, match.status]},
    )
    return match
