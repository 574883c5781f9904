"""Mentee-choice mode: each mentee sees their best five mentors with the reasons, and requests one; the
mentor accepts (the pair is active at once: both chose it) or declines.

Capacity holds under concurrency: accepting locks the mentor's enrollment row (SELECT ... FOR UPDATE)
before counting their current matches, so of two acceptances of the last place at the same moment one
waits for the other, then sees it and is refused. The mentee side is held by the database constraint
(one current match per mentee per program).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.outbox import outbox_record
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Participant, Program

from .. import scoring
from ..models import FOLLOWER_ROLES, ExcludedPair, Match, MatchMember, MentorRequest
from .emails import REQUEST_ACCEPTED, REQUEST_ASKED, REQUEST_DECLINED, mentor_request_notify_on_commit
from .loading import MENTOR_STATUSES, load_cohort
from .pairs import PairJudge, capacity_of, explanation_json, mentor_load, rounded

SUGGESTIONS = 5
CHOOSING = (Program.Status.MATCHING, Program.Status.ACTIVE)


@dataclass(frozen=True)
class Suggestion:
    mentor: Participant  # with .employee
    score: float
    parts: list[tuple[str, float]]

    @property
    def explanation(self) -> list[dict]:
        return explanation_json(self.parts)


def _has_current_match(organization: Organization, participant: Participant) -> bool:
    return (
        scoped(MatchMember, organization)
        .filter(program_id=participant.program_id, participant=participant, current=True, role__in=FOLLOWER_ROLES)
        .exists()
    )


def suggestions_for(*, organization: Organization, participant_id: int, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The mentee's best mentors who have room and are allowed, best first, each with its explanation.
    Empty for someone who already has a match."""
    mentee = get_scoped_or_404(Participant.objects.select_related("program"), organization, pk=participant_id)
    program = mentee.program
    if mentee.role != Participant.Role.MENTEE or program.is_group or not program.has_matching:
        return []
    if _has_current_match(organization, mentee):
        return []
    cohort = load_cohort(
        organization_id=organization.pk, program=program, participant_ids=[mentee.pk], replace_proposals=False
    )
    if not cohort.mentees or not cohort.mentors:
        return []
    criteria = scoring.criteria_for(program.kind, cohort.questions)
    excluded = frozenset(cohort.excluded)
    row = scoring.score_matrix(
        cohort.mentees,
        cohort.mentors,
        criteria,
        program_kind=program.kind,
        max_tz_gap_hours=program.max_time_zone_gap_hours,
        excluded=excluded,
    )[0]
    row = np.where(cohort.remaining > 0, row, np.nan)
    candidates = [int(j) for j in np.argsort(-np.nan_to_num(row, nan=-1.0), kind="stable") if not np.isnan(row[j])]
    chosen = candidates[:limit]
    mentors = (
        scoped(Participant, organization)
        .select_related("employee")
        .in_bulk([cohort.mentors[j].participant_id for j in chosen])
    )
    suggestions = []
    for j in chosen:
        explanation = scoring.explain(
            cohort.mentees[0],
            cohort.mentors[j],
            criteria,
            program_kind=program.kind,
            max_tz_gap_hours=program.max_time_zone_gap_hours,
            excluded=excluded,
        )
        suggestions.append(
            Suggestion(
                mentor=mentors[cohort.mentors[j].participant_id],
                score=rounded(float(row[j])),
                parts=[(str(label), float(value)) for label, value in explanation.parts],
            )
        )
    return suggestions


def _own_mentee_enrollment(organization: Organization, employee: Employee, program: Program) -> Participant:
    mentee = (
        scoped(Participant, organization)
        .select_for_update()
        .filter(program=program, employee=employee, role=Participant.Role.MENTEE)
        .first()
    )
    if mentee is None or mentee.status != Participant.Status.APPROVED:
        raise ValidationError(_("Only an approved mentee of this program can request a mentor."))
    return mentee


@transaction.atomic
def mentor_request_create(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    program_id: int,
    mentor_participant_id: int,
    message: str = "",
) -> MentorRequest:
    """The mentee (`employee`) asks a mentor of a mentee-choice program. One open request at a time."""
    program = get_scoped_or_404(Program, organization, pk=program_id)
    if not program.has_matching:
        raise ValidationError(_("A flash mentoring program has no matches: book a mentor's office hours instead."))
    if program.match_mode != Program.MatchMode.MENTEE_CHOICE or program.is_group:
        raise ValidationError(_("In this program the HR team makes the matches."))
    if program.status not in CHOOSING:
        raise ValidationError(_("Mentors can be requested once the program is matching."))
    mentee = _own_mentee_enrollment(organization, employee, program)
    if _has_current_match(organization, mentee):
        raise ValidationError(_("You already have a match in this program."))
    mentor = get_scoped_or_404(
        Participant.objects.select_related("employee"), organization, pk=mentor_participant_id, program=program
    )
    if mentor.role != Participant.Role.MENTOR or mentor.status not in MENTOR_STATUSES:
        raise ValidationError(_("Choose one of the program's mentors."))
    if mentor_load(organization.pk, program, [mentor.pk]).get(mentor.pk, 0) >= capacity_of(mentor, program):
        raise ValidationError(_("%(name)s has no places left.") % {"name": mentor.employee.name})
    judge = PairJudge.load(organization.pk, program, [mentee.pk, mentor.pk])
    score, explanation = judge.judge([mentee.pk], mentor.pk)
    request = MentorRequest(
        organization=organization,
        program=program,
        mentee=mentee,
        mentor=mentor,
        score=score,
        explanation=explanation,
        message=(message or "").strip()[:2000],
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ValidationError(_("You already have an open request; wait for the answer or withdraw it.")) from None
    audit_record(organization=organization, actor=actor, verb="mentor_request.create", target=request)
    mentor_request_notify_on_commit(organization=organization, request=request, kind=REQUEST_ASKED)
    return request


@transaction.atomic
def mentor_request_decide(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    request_id: int,
    accept: bool,
    reason: str = "",
) -> MentorRequest:
    """The mentor (`employee`) accepts or declines a request. Accepting makes an active pair, provided the
    mentor still has a place: the mentor's row is locked first, so the last place goes to one mentee only."""
    request = get_scoped_or_404(
        MentorRequest.objects.select_for_update(of=("self",)).select_related(
            "program", "mentee__employee", "mentor__employee"
        ),
        organization,
        pk=request_id,
    )
    if request.mentor.employee_id != employee.pk:
        raise Http404("No such request.")
    if request.status != MentorRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    program, now = request.program, timezone.now()
    if not accept:
        request.status, request.decided_at = MentorRequest.Status.DECLINED, now
        request.decline_reason = (reason or "").strip()[:1000]
        request.save(update_fields=["status", "decided_at", "decline_reason"])
        # The mentee is not offered this mentor again.
        ExcludedPair.objects.get_or_create(
            organization=organization,
            program=program,
            mentor=request.mentor,
            mentee=request.mentee,
            defaults={"reason": "Declined a mentor request"},
        )
        audit_record(organization=organization, actor=actor, verb="mentor_request.decline", target=request)
        mentor_request_notify_on_commit(organization=organization, request=request, kind=REQUEST_DECLINED)
        return request

    mentor = scoped(Participant, organization).select_for_update().get(pk=request.mentor_id)
    taken = mentor_load(organization.pk, program, [mentor.pk]).get(mentor.pk, 0)
    if taken >= capacity_of(mentor, program):
        raise ValidationError(_("You have no places left in this program."))
    match = Match.objects.create(
        organization=organization,
        program=program,
        kind=Match.Kind.PAIR,
        status=Match.Status.ACTIVE,
        score=request.score,
        explanation=request.explanation,
        approved_by=actor if actor is not None and actor.pk else None,
        approved_at=now,
        started_at=now,
    )
    try:
        with transaction.atomic():
            MatchMember.objects.bulk_create(
                [
                    MatchMember(
                        organization=organization,
                        program=program,
                        match=match,
                        participant_id=participant_id,
                        role=role,
                        response=MatchMember.Response.ACCEPTED,
                        responded_at=now,
                    )
                    for participant_id, role in (
                        (request.mentor_id, MatchMember.Role.MENTOR),
                        (request.mentee_id, MatchMember.Role.MENTEE),
                    )
                ]
            )
    except IntegrityError:  # the mentee got a match elsewhere meanwhile
        raise ValidationError(_("%(name)s already has a match.") % {"name": request.mentee.employee.name}) from None
    scoped(Participant, organization).filter(pk__in=[request.mentor_id, request.mentee_id]).update(
        status=Participant.Status.MATCHED, updated_at=now
    )
    request.status, request.decided_at = MentorRequest.Status.ACCEPTED, now
    request.save(update_fields=["status", "decided_at"])
    audit_record(organization=organization, actor=actor, verb="mentor_request.accept", target=request)
    outbox_record(
        organization=organization,
        event_type="match.approved",
        data={"match_id": match.pk, "program_id": program.pk, "source": "mentor_request"},
    )
    mentor_request_notify_on_commit(
        organization=organization, request=request, kind=REQUEST_ACCEPTED, match_id=match.pk
    )
    return request


@transaction.atomic
def mentor_request_withdraw(
    *, organization: Organization, actor: User | None, employee: Employee, request_id: int
) -> MentorRequest:
    """The mentee takes back an open request (to ask someone else)."""
    request = get_scoped_or_404(
        MentorRequest.objects.select_for_update(of=("self",)).select_related("mentee"), organization, pk=request_id
    )
    if request.mentee.employee_id != employee.pk:
        raise Http404("No such request.")
    if request.status != MentorRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    request.status, request.decided_at = MentorRequest.Status.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(organization=organization, actor=actor, verb="mentor_request.withdraw", target=request)
    return request
