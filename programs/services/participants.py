"""Writes of participants (enrollments): enroll, update, withdraw, the admins' decisions, bulk invitations.
Keyword-only, typed, atomic, audited, scoped by organization."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.outbox import outbox_record
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..answers import answers_clean
from ..eligibility import eligible_employees_q, employee_is_eligible
from ..models import Participant, Program, Question
from .invitations import invitation_emails_queue

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = Program.Status
P = Participant.Status
# What a participant may withdraw: an enrollment still in play. Not a declined one (withdrawing and applying
# again would undo the admin's decision), not a matched one (the match is ended instead).
WITHDRAWABLE = frozenset({P.INVITED, P.APPLIED, P.APPROVED, P.WAITLISTED})
# Admins approve, waitlist or decline while people apply and while matching is prepared; before that there
# is nothing to decide, afterwards the decisions are history.
DECIDING_PROGRAM_STATUSES = frozenset({S.ENROLLING, S.MATCHING})
WITHDRAW_REFUSALS: dict[str, StrOrPromise] = {
    P.MATCHED: gettext_lazy("You are already matched: end the match instead."),
    P.WITHDRAWN: gettext_lazy("You have already withdrawn."),
    P.DECLINED: gettext_lazy("This application was declined; there is nothing to withdraw."),
}


def _clean_capacity(program: Program, role: str, capacity: int | None) -> int | None:
    if role != Participant.Role.MENTOR:
        return None
    if capacity is None:
        return program.default_mentor_capacity
    if not 1 <= int(capacity) <= program.max_mentor_capacity:
        raise ValidationError(
            {"capacity": [_("Choose a capacity from 1 to %(count)s.") % {"count": program.max_mentor_capacity}]}
        )
    return int(capacity)


@transaction.atomic
def participant_enroll(
    *,
    organization: Organization,
    actor: User,
    program_id: int,
    employee: Employee,
    role: str,
    answers: Mapping[str, Any],
    capacity: int | None = None,
) -> Participant:
    """An employee applies to an enrolling program as mentor or mentee (once per program and role)."""
    program = get_scoped_or_404(Program.objects.select_for_update(), organization, pk=program_id)
    if employee.organization_id != organization.pk:
        raise ValidationError(_("This person is not on this organization's roster."))
    if program.status != S.ENROLLING:
        raise ValidationError(_("This program is not open for enrollment."))
    if role not in Participant.Role.values:
        raise ValidationError({"role": [_("Choose mentor or mentee.")]})
    if not employee_is_eligible(program=program, employee=employee):
        raise ValidationError(_("You are not eligible for this program."))
    questions = list(scoped(Question, organization).filter(program=program))
    cleaned = answers_clean(questions=questions, role=role, answers=answers)
    existing = scoped(Participant, organization).filter(program=program, employee=employee, role=role).first()
    if existing is not None:
        if existing.status not in (Participant.Status.INVITED, Participant.Status.WITHDRAWN):
            raise ValidationError(
                _("You are already enrolled in this program as %(role)s.")
                % {"role": existing.get_role_display().lower()}
            )
        participant = existing  # an invitation is taken up, or a withdrawal reversed
    else:
        participant = Participant(organization=organization, program=program, employee=employee, role=role)
    participant.answers = cleaned
    participant.capacity = _clean_capacity(program, role, capacity)
    participant.status = Participant.Status.APPLIED
    # A new application: any earlier decision (made before a withdrawal) no longer applies to it.
    participant.decided_by = None
    participant.decided_at = None
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise ValidationError(_("You are already enrolled in this program in this role.")) from None
    audit_record(organization=organization, actor=actor, verb="participant.enroll", target=participant)
    outbox_record(
        organization=organization,
        event_type="participant.enrolled",
        data={
            "participant_id": participant.pk,
            "program_id": program.pk,
            "employee_id": employee.pk,
            "role": role,
            "status": participant.status,
        },
    )
    return participant


@transaction.atomic
def participant_update(
    *,
    organization: Organization,
    actor: User,
    participant_id: int,
    answers: Mapping[str, Any] | None = None,
    capacity: int | None = None,
) -> Participant:
    """Change one's answers or capacity, possible until matched."""
    participant = get_scoped_or_404(
        Participant.objects.select_for_update().select_related("program"), organization, pk=participant_id
    )
    if not participant.is_editable_by_participant:
        raise ValidationError(_("This enrollment can no longer be changed."))
    before = {"answers": participant.answers, "capacity": participant.capacity}
    if answers is not None:
        questions = list(scoped(Question, organization).filter(program_id=participant.program_id))
        participant.answers = answers_clean(questions=questions, role=participant.role, answers=answers)
    if capacity is not None:
        participant.capacity = _clean_capacity(participant.program, participant.role, capacity)
    participant.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="participant.update",
        target=participant,
        changes=diff_fields(before, {"answers": participant.answers, "capacity": participant.capacity}),
    )
    return participant


@transaction.atomic
def participant_withdraw(*, organization: Organization, actor: User, participant_id: int) -> Participant:
    participant = get_scoped_or_404(Participant.objects.select_for_update(), organization, pk=participant_id)
    if participant.status not in WITHDRAWABLE:
        raise ValidationError(WITHDRAW_REFUSALS.get(participant.status, _("This enrollment cannot be withdrawn.")))
    old = participant.status
    participant.status = Participant.Status.WITHDRAWN
    participant.save(update_fields=["status", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        verb="participant.withdraw",
        target=participant,
        changes={"status": [old, participant.status]},
    )
    return participant


DECISIONS = {
    "approve": Participant.Status.APPROVED,
    "waitlist": Participant.Status.WAITLISTED,
    "decline": Participant.Status.DECLINED,
}


@transaction.atomic
def participants_decide(
    *, organization: Organization, actor: User, program_id: int, participant_ids: Iterable[int], decision: str
) -> int:
    """Approve, waitlist or decline applications in bulk. Returns how many changed."""
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision “%(decision)s”.") % {"decision": decision})
    program = get_scoped_or_404(Program, organization, pk=program_id)
    if program.status not in DECIDING_PROGRAM_STATUSES:
        raise ValidationError(
            _(
                "Applications can only be decided while the program is enrolling or matching; "
                "“%(program)s” is %(status)s."
            )
            % {"program": program.name, "status": program.get_status_display().lower()}
        )
    new_status = DECISIONS[decision]
    decidable = [
        Participant.Status.APPLIED,
        Participant.Status.APPROVED,
        Participant.Status.WAITLISTED,
        Participant.Status.DECLINED,
    ]
    changed = (
        scoped(Participant, organization)
        .filter(program=program, pk__in=list(participant_ids), status__in=decidable)
        .exclude(status=new_status)
        .update(status=new_status, decided_by=actor, decided_at=timezone.now(), updated_at=timezone.now())
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=f"participant.{decision}",
        target=program,
        changes={"count": [None, changed]},
    )
    return changed


@transaction.atomic
def participants_invite(
    *,
    organization: Organization,
    actor: User,
    program_id: int,
    role: str,
    departments: Iterable[str] = (),
    job_levels: Iterable[int] = (),
    emails: Iterable[str] = (),
    base_url: str | None = None,
) -> dict[str, Any]:
    """Invite eligible employees in bulk (by department, level, or a list of emails). Returns counts and
    the emails that matched nobody eligible, so the admin can see who was left out and why.

    Each newly invited person is emailed a link to their open programs (`base_url`, scheme and host, makes
    it absolute) once the transaction commits; for a draft, when enrollment opens (see program_move)."""
    # Locked like participant_enroll does: invitations and enrollments of one program take turns, so the
    # counts below are exact.
    program = get_scoped_or_404(Program.objects.select_for_update(), organization, pk=program_id)
    if program.status not in (S.DRAFT, S.ENROLLING):
        raise ValidationError(_("Invitations can only be sent while the program is a draft or enrolling."))
    if role not in Participant.Role.values:
        raise ValidationError(_("Choose mentor or mentee."))
    departments, job_levels = list(departments), list(job_levels)
    wanted_emails = {e.strip().lower() for e in emails if e.strip()}
    if not (departments or job_levels or wanted_emails):
        raise ValidationError(_("Choose a department, a job level, or give email addresses."))
    selection = Q()
    if departments:
        selection |= Q(department__in=departments)
    if job_levels:
        selection |= Q(job_level__in=job_levels)
    if wanted_emails:
        # Email case may differ from the roster: compare lowercased, in the query.
        selection |= Q(email_lower__in=sorted(wanted_emails))
    candidates = dict(
        scoped(Employee, organization)
        .filter(eligible_employees_q(program))
        .annotate(email_lower=Lower("email"))
        .filter(selection)
        .values_list("pk", "email_lower")
    )
    enrolled = scoped(Participant, organization).filter(program=program, role=role)
    already = set(enrolled.filter(employee_id__in=list(candidates)).values_list("employee_id", flat=True))
    new_ids = [pk for pk in candidates if pk not in already]
    Participant.objects.bulk_create(
        [
            Participant(organization=organization, program=program, employee_id=pk, role=role, status=P.INVITED)
            for pk in new_ids
        ],
        ignore_conflicts=True,  # a safety net: a row that exists after all is skipped, and not counted below
    )
    # What this call created, read back: bulk_create with ignore_conflicts cannot say which rows it skipped.
    invited_ids = list(enrolled.filter(employee_id__in=new_ids, status=P.INVITED).values_list("pk", flat=True))
    result = {
        "invited": len(invited_ids),
        "already_enrolled": len(candidates) - len(invited_ids),
        "not_found": sorted(wanted_emails - set(candidates.values())),
    }
    audit_record(
        organization=organization,
        actor=actor,
        verb="participant.invite",
        target=program,
        changes={"invited": [None, result["invited"]]},
    )
    if program.status == S.ENROLLING:
        invitation_emails_queue(organization_id=organization.pk, participant_ids=invited_ids, base_url=base_url)
    return result
