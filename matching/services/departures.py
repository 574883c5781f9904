"""What someone's departure from the organization means for matching: accounts' departure follower
(mentorhub/accounts/extensions.py), registered in this app's AppConfig.ready() and run inside the
departure's transaction. Idempotent: a second run finds nothing current left to end.

- An active match ends early (`match_end_early` with `departed`): the other members are freed, told that
  the match ended because the person left (sessions' match-ending handler; no reason, no source), and
  offered a re-match (one run per program for everyone freed, not one per match: a second run would be
  refused while the first is queued). In a circle only the leaver leaves when it can go on: the
  facilitator and at least one other member remain (the same rule as a member declining a circle,
  matching.services.responses); the others are told. A facilitator who leaves ends the circle.
- An approved match (not yet active) is declined on the leaver's behalf (`match_respond`): a pair ends
  and its other member is offered a re-match; a circle goes on without them.
- A proposal (awaiting the admin's review) involving them is discarded; a circle proposal only loses them.
- Their pending mentor requests are withdrawn (as mentee) or declined (as mentor).
- Their enrollments in programs not closed are withdrawn: never matched again unless enrolled again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped
from programs.models import Participant, Program

from ..extensions import MatchEnding, MatchEndingKind, match_ending_follow
from ..models import Match, MatchMember, MentorRequest
from .lifecycle import match_end_early
from .locks import lock_match
from .responses import match_respond, rematch_offer
from .review import match_discard

# Enrollments a leaver still holds: they are withdrawn (declined and withdrawn ones stay as they are).
OPEN_STATUSES = (
    Participant.Status.INVITED,
    Participant.Status.APPLIED,
    Participant.Status.APPROVED,
    Participant.Status.WAITLISTED,
    Participant.Status.MATCHED,
)


def employee_departure_matching(organization: Organization, employee: Employee, actor: User | None) -> None:
    reason = f"{employee.name} left the organization."
    places = list(
        scoped(MatchMember, organization)
        .filter(participant__employee=employee, current=True)
        .select_related("match")
        .order_by("match_id")
    )
    freed: defaultdict[int, list[int]] = defaultdict(list)  # program id -> participants to re-match
    for place in places:
        status = place.match.status
        if status == Match.Status.ACTIVE:
            if _circle_goes_on(organization, place):
                _leave_circle(organization, actor, employee, place.match_id)
            else:
                result = match_end_early(
                    organization=organization,
                    actor=actor,
                    match_id=place.match_id,
                    reason=reason,
                    rematch=False,
                    departed=employee,
                )
                freed[result.match.program_id].extend(result.freed)
        elif status == Match.Status.APPROVED:
            match_respond(
                organization=organization,
                actor=actor,
                employee=employee,
                match_id=place.match_id,
                accept=False,
                reason=reason,
            )
        elif status == Match.Status.PROPOSED:
            if _circle_goes_on(organization, place):
                scoped(MatchMember, organization).filter(pk=place.pk).update(current=False)
            else:
                match_discard(organization=organization, actor=actor, match_id=place.match_id)
    _requests_close(organization, actor, employee, reason)
    _enrollments_withdraw(organization, actor, employee)
    for program in scoped(Program, organization).filter(pk__in=[pk for pk, ids in freed.items() if ids]):
        rematch_offer(organization, program, sorted(set(freed[program.pk])))


def departures_pending_matching(organization: Organization, today: date) -> set[int]:
    """The employees who left by `today` and still have an open enrollment or a current match place."""
    left = {"employee__left_on__lte": today}
    enrolled = (
        scoped(Participant, organization)
        .filter(status__in=OPEN_STATUSES, **left)
        .exclude(program__status=Program.Status.CLOSED)
        .values_list("employee_id", flat=True)
    )
    placed = (
        scoped(MatchMember, organization)
        .filter(current=True, participant__employee__left_on__lte=today)
        .values_list("participant__employee_id", flat=True)
    )
    return set(enrolled) | set(placed)


def _circle_goes_on(organization: Organization, place: MatchMember) -> bool:
    """A circle member's place in a circle that keeps its facilitator and at least one other member."""
    if place.match.kind != Match.Kind.CIRCLE or place.role != MatchMember.Role.MEMBER:
        return False
    others = scoped(MatchMember, organization).filter(match_id=place.match_id, current=True).exclude(pk=place.pk)
    return (
        others.filter(role=MatchMember.Role.FACILITATOR).exists()
        and others.filter(role=MatchMember.Role.MEMBER).exists()
    )


def _leave_circle(organization: Organization, actor: User | None, employee: Employee, match_id: int) -> None:
    match = lock_match(organization, match_id)
    rows = list(
        scoped(MatchMember, organization)
        .filter(match=match, current=True)
        .select_related("participant__employee")
        .order_by("role", "id")
    )
    members_before = [row.participant.employee for row in rows]
    scoped(MatchMember, organization).filter(match=match, current=True, participant__employee=employee).update(
        current=False
    )
    audit_record(organization=organization, actor=actor, verb="match.member_left", target=match)
    match_ending_follow(
        MatchEnding(
            organization=organization,
            match=match,
            kind=MatchEndingKind.CIRCLE_MEMBER_LEFT,
            members=members_before,
            by=employee,
        )
    )


def _requests_close(organization: Organization, actor: User | None, employee: Employee, reason: str) -> None:
    now = timezone.now()
    pending = scoped(MentorRequest, organization).filter(status=MentorRequest.Status.PENDING)
    withdrawn = pending.filter(mentee__employee=employee).update(status=MentorRequest.Status.WITHDRAWN, decided_at=now)
    declined = pending.filter(mentor__employee=employee).update(
        status=MentorRequest.Status.DECLINED, decided_at=now, decline_reason=reason
    )
    if withdrawn or declined:
        audit_record(
            organization=organization,
            actor=actor,
            verb="mentor_request.close_on_departure",
            target=employee,
            changes={"withdrawn": [0, withdrawn], "declined": [0, declined]},
        )


def _enrollments_withdraw(organization: Organization, actor: User | None, employee: Employee) -> None:
    ids = list(
        scoped(Participant, organization)
        .filter(employee=employee, status__in=OPEN_STATUSES)
        .exclude(program__status=Program.Status.CLOSED)  # a closed program's record stays as it ended
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return
    scoped(Participant, organization).filter(pk__in=ids).update(
        status=Participant.Status.WITHDRAWN, updated_at=timezone.now()
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb="participant.withdraw_on_departure",
        target=employee,
        changes={"participants": [None, ids]},
    )
