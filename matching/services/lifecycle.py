"""How an active match ends: completed (at the program's end, or early when every member asked for it) or
ended early with a reason (visible to admins), which frees its members and offers them a re-match.

These are the only public ways to end a match. What else an end means (sessions ahead cancelled, reminders
dropped, the members told) belongs to the apps above; they register it in matching.extensions, and every
service here runs it in the same transaction, after the match changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.outbox import outbox_record
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped
from programs.models import Participant, Program

from ..extensions import MatchEnding, MatchEndingKind, match_ending_follow
from ..models import FOLLOWER_ROLES, LEAD_ROLES, Match, MatchMember, MatchRun
from .locks import lock_match
from .pairs import pairs_exclude
from .responses import participants_free, rematch_offer

MAX_REASON = 1000
# Programs whose people may still be matched again after an early end.
REMATCH_PROGRAM_STATUSES = (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE)


@dataclass
class CompletionAnswer:
    match: Match
    completed: bool
    waiting_for: list[str]
    changed: bool = True  # False when the person had asked (or not asked) already: nothing to tell anyone


def _require_active(match: Match) -> None:
    if match.status != Match.Status.ACTIVE:
        raise ValidationError(
            _("This match is %(status)s, not active.") % {"status": match.get_status_display().lower()}
        )


def _current_members(organization: Organization, match_id: int) -> list[Employee]:
    """The employees in the match now (by role, then id): who hears of its end. Read before it changes."""
    rows = (
        scoped(MatchMember, organization)
        .filter(match_id=match_id, current=True)
        .select_related("participant__employee")
        .order_by("role", "id")
    )
    return [member.participant.employee for member in rows]


def _active_member(organization: Organization, match: Match, employee: Employee) -> MatchMember:
    """This person's current place in an active match. Never in it (or only declined): 404, as for a match
    that does not exist; in it, but the match is over or they left: a refusal that says so."""
    places = list(
        scoped(MatchMember, organization)
        .select_for_update()
        .filter(match=match, participant__employee=employee)
        .exclude(response=MatchMember.Response.DECLINED)
    )
    if not places or match.status in (Match.Status.PROPOSED, Match.Status.DISCARDED):
        raise Http404("No such match.")
    _require_active(match)
    member = next((place for place in places if place.current), None)
    if member is None:
        raise ValidationError(_("You are no longer in this match."))
    return member


@transaction.atomic
def match_request_completion(
    *, organization: Organization, actor: User | None, employee: Employee, match_id: int, wanted: bool = True
) -> CompletionAnswer:
    """`employee` asks (or stops asking) to complete the match now; the others are told. When every current
    member has asked, the match is completed and what was still planned is called off. Someone who is not
    in it gets 404."""
    members_before = _current_members(organization, match_id)
    match = lock_match(organization, match_id)
    member = _active_member(organization, match, employee)
    changed = (member.completion_requested_at is None) == wanted
    if changed:
        member.completion_requested_at = timezone.now() if wanted else None
        member.save(update_fields=["completion_requested_at"])
    members = list(
        scoped(MatchMember, organization).filter(match=match, current=True).select_related("participant__employee")
    )
    waiting = [m.participant.employee.name for m in members if m.completion_requested_at is None]
    if wanted and not waiting:
        _complete(organization=organization, actor=actor, match=match, reason=_("Completed: everyone agreed."))
        _follow(organization, match, MatchEndingKind.COMPLETED, members_before, employee)
        return CompletionAnswer(match=match, completed=True, waiting_for=[])
    if wanted and changed:
        _follow(organization, match, MatchEndingKind.COMPLETION_ASKED, members_before, employee)
    return CompletionAnswer(match=match, completed=False, waiting_for=waiting, changed=changed)


def _follow(
    organization: Organization, match: Match, kind: MatchEndingKind, members: list[Employee], by: Employee | None
) -> None:
    match_ending_follow(MatchEnding(organization=organization, match=match, kind=kind, members=members, by=by))


def _complete(
    *, organization: Organization, actor: User | None, match: Match, reason: str, now: datetime | None = None
) -> Match:
    """Mark a locked, active match completed. Its members stay "matched" (they took part to the end)."""
    _require_active(match)
    now = now or timezone.now()
    match.status = Match.Status.COMPLETED
    match.ended_at = now
    match.end_reason = reason[:MAX_REASON]
    match.pinned = False
    match.save(update_fields=["status", "ended_at", "end_reason", "pinned", "updated_at"])
    scoped(MatchMember, organization).filter(match=match, current=True).update(current=False)
    audit_record(organization=organization, actor=actor, verb="match.complete", target=match)
    _record_ended(organization, match)
    return match


def _record_ended(organization: Organization, match: Match) -> None:
    outbox_record(
        organization=organization,
        event_type="match.ended",
        data={
            "match_id": match.pk,
            "program_id": match.program_id,
            "status": match.status,
            "ended_at": match.ended_at.isoformat() if match.ended_at else None,
        },
    )


def matches_complete_finished(*, organization: Organization, today: date | None = None) -> int:
    """Complete the active matches of programs whose end date has passed (run nightly by beat). Each match
    in its own transaction: one that fails does not hold back the others."""
    today = today or timezone.localdate()
    ids = list(
        scoped(Match, organization)
        .filter(status=Match.Status.ACTIVE, program__ends_on__lt=today)
        .values_list("pk", flat=True)
    )
    completed = 0
    for match_id in ids:
        with transaction.atomic():
            match = scoped(Match, organization).select_for_update().select_related("program").get(pk=match_id)
            if match.status != Match.Status.ACTIVE:
                continue  # completed by its members in the meantime
            members_before = _current_members(organization, match_id)
            _complete(organization=organization, actor=None, match=match, reason=_("Completed: the program ended."))
            _follow(organization, match, MatchEndingKind.PROGRAM_ENDED, members_before, None)
            completed += 1
    return completed


@dataclass
class EndResult:
    match: Match
    rematch_run: MatchRun | None
    freed: list[int]


@transaction.atomic
def match_end_early(
    *,
    organization: Organization,
    actor: User | None,
    match_id: int,
    reason: str,
    employee: Employee | None = None,
    rematch: bool = True,
    departed: Employee | None = None,
) -> EndResult:
    """End an active match before its time. `employee` is the member ending it (None: an HR admin, whose
    view checked the role). The reason is kept on the match for admins. The pair is never proposed again.
    With `rematch` the mentees (circle members) are free to be matched again and a re-match is offered.
    Without it, a mentee who ends it leaves the program (only them: the rest of a circle stays free), HR
    ending it takes every mentee out; a mentor cannot decide that for them: their mentees are free again,
    only no re-match is started. The mentor is free again unless they have another match.
    `departed`: the member who left the organization (accounts' departure, `employee` None): they are
    neither freed nor re-matched (the departure withdraws their enrollments), the others stay in the program
    (freed; re-matched with `rematch`, or by the caller: `freed`), and hear that the match ended because
    the person left."""
    members_before = _current_members(organization, match_id)
    match = lock_match(organization, match_id)
    ender = _active_member(organization, match, employee) if employee is not None else None
    if ender is None:
        _require_active(match)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say briefly why the match ends; HR reads it to improve matching.")]})
    now = timezone.now()
    members = list(scoped(MatchMember, organization).filter(match=match, current=True).select_related("participant"))
    lead = next((m for m in members if m.role in LEAD_ROLES), None)
    followers = [m.participant_id for m in members if m.role in FOLLOWER_ROLES]
    pairs_exclude(organization, match, lead, followers, f"Match {match.pk} ended early")
    gone = {m.participant_id for m in members if departed is not None and m.participant.employee_id == departed.pk}
    followers = [pk for pk in followers if pk not in gone]
    match.status = Match.Status.ENDED
    match.ended_at = now
    match.end_reason = reason[:MAX_REASON]
    match.pinned = False
    match.save(update_fields=["status", "ended_at", "end_reason", "pinned", "updated_at"])
    scoped(MatchMember, organization).filter(match=match, current=True).update(current=False)
    program = match.program
    open_program = program.status in REMATCH_PROGRAM_STATUSES
    can_rematch = rematch and open_program
    if lead is not None and lead.participant_id not in gone:
        participants_free(organization, program, [lead.participant_id])
    # Who leaves the program: without a re-match, the mentee who ended it (only themselves: in a circle the
    # others stay), or every mentee when HR ends it; a mentor never decides that for them.
    if rematch or departed is not None or (ender is not None and ender.role in LEAD_ROLES):
        leaving = []
    elif ender is not None:
        leaving = [ender.participant_id]
    else:
        leaving = followers
    staying = [pk for pk in followers if pk not in leaving]
    free_followers = open_program and bool(staying)
    if free_followers:
        participants_free(organization, program, staying)
    if leaving:
        scoped(Participant, organization).filter(pk__in=leaving).update(
            status=Participant.Status.WITHDRAWN, updated_at=now
        )
    audit_record(
        organization=organization,
        actor=actor,
        verb="match.end_early",
        target=match,
        changes={"reason": [None, reason[:200]], "rematch": [None, can_rematch]},
    )
    _record_ended(organization, match)
    run = rematch_offer(organization, program, staying) if can_rematch and staying else None
    if departed is not None:
        _follow(organization, match, MatchEndingKind.MEMBER_LEFT, members_before, departed)
    else:
        _follow(organization, match, MatchEndingKind.ENDED_EARLY, members_before, employee)
    return EndResult(match=match, rematch_run=run, freed=staying if free_followers else [])
