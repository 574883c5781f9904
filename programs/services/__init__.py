"""Every write of the programs app: keyword-only, typed, atomic, audited, scoped by organization.

The enrollment form's writes (question_*) live in services/questions.py and are re-exported here, so
callers use `programs.services` for all of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from mentorhub.accounts.models import Employee, Membership, Organization, User
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..answers import answers_clean
from ..models import Participant, Program, Question
from ..question_sets import PROGRAM_DEFAULTS, QUESTION_SETS
from .questions import QUESTION_FIELDS as QUESTION_FIELDS
from .questions import _question_save
from .questions import question_create as question_create
from .questions import question_delete as question_delete
from .questions import question_move as question_move
from .questions import question_update as question_update

S = Program.Status
P = Participant.Status
# What a participant may withdraw: an enrollment still in play. Not a declined one (withdrawing and applying
# again would undo the admin's decision), not a matched one (the match is ended instead).
WITHDRAWABLE = frozenset({P.INVITED, P.APPLIED, P.APPROVED, P.WAITLISTED})
# Admins approve, waitlist or decline while people apply and while matching is prepared; before that there
# is nothing to decide, afterwards the decisions are history.
DECIDING_PROGRAM_STATUSES = frozenset({S.ENROLLING, S.MATCHING})
# The lifecycle. Going back is allowed where it loses nothing: a program in enrollment can return to
# draft for edits, and matching can reopen enrollment for late joiners.
ALLOWED_MOVES: dict[str, set[str]] = {
    S.DRAFT: {S.ENROLLING, S.CLOSED},
    S.ENROLLING: {S.DRAFT, S.MATCHING, S.CLOSED},
    S.MATCHING: {S.ENROLLING, S.ACTIVE, S.CLOSED},
    S.ACTIVE: {S.CLOSED},
    S.CLOSED: set(),
}
MOVE_VERBS = {
    S.ENROLLING: "open_enrollment",
    S.DRAFT: "back_to_draft",
    S.MATCHING: "start_matching",
    S.ACTIVE: "activate",
    S.CLOSED: "close",
}
PROGRAM_FIELDS = [
    "name",
    "description",
    "kind",
    "starts_on",
    "ends_on",
    "cadence_per_month",
    "default_mentor_capacity",
    "max_mentor_capacity",
    "circle_min_size",
    "circle_max_size",
    "eligible_departments",
    "eligible_job_levels",
    "eligible_locations",
    "max_time_zone_gap_hours",
    "match_mode",
    "objective",
]


# --- Programs ------------------------------------------------------------------------------


def program_defaults(kind: str) -> dict[str, Any]:
    return dict(PROGRAM_DEFAULTS.get(kind, {}))


@transaction.atomic
def program_create(
    *, organization: Organization, actor: User, data: Mapping[str, Any], with_question_set: bool = True
) -> Program:
    """Create a draft program; by default with the ready-made question set of its kind."""
    kind = data.get("kind", Program.Kind.ONE_ON_ONE)
    values = {**program_defaults(kind), **{k: v for k, v in data.items() if k in PROGRAM_FIELDS}}
    program = Program(organization=organization, created_by=actor, status=S.DRAFT, **values)
    _program_validate(program)
    program.save()
    if with_question_set:
        for position, spec in enumerate(QUESTION_SETS.get(program.kind, [])):
            _question_save(Question(organization=organization, program=program, position=position, **spec))
    audit_record(organization=organization, actor=actor, verb="program.create", target=program)
    return program


@transaction.atomic
def program_update(*, organization: Organization, actor: User, program_id: int, data: Mapping[str, Any]) -> Program:
    program = get_scoped_or_404(Program.objects.select_for_update(), organization, pk=program_id)
    if program.status == S.CLOSED:
        raise ValidationError("A closed program cannot be changed.")
    if "kind" in data and data["kind"] != program.kind and program.status != S.DRAFT:
        raise ValidationError("The kind of program can only change while it is a draft.")
    before = {f: getattr(program, f) for f in PROGRAM_FIELDS}
    for field, value in data.items():
        if field in PROGRAM_FIELDS:
            setattr(program, field, value)
    _program_validate(program)
    program.save()
    after = {f: getattr(program, f) for f in PROGRAM_FIELDS}
    audit_record(
        organization=organization,
        actor=actor,
        verb="program.update",
        target=program,
        changes=diff_fields(before, after),
    )
    return program


def _program_validate(program: Program) -> None:
    errors: dict[str, list[str]] = {}
    if program.starts_on and program.ends_on and program.starts_on > program.ends_on:
        errors["ends_on"] = ["The end date must be on or after the start date."]
    if program.circle_min_size > program.circle_max_size:
        errors["circle_max_size"] = ["The largest circle cannot be smaller than the smallest."]
    if program.default_mentor_capacity > program.max_mentor_capacity:
        errors["default_mentor_capacity"] = ["The default capacity cannot exceed the maximum."]
    for field in ("eligible_departments", "eligible_locations"):
        value = getattr(program, field)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[field] = ["Give a list of names."]
    levels = program.eligible_job_levels
    if not isinstance(levels, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        errors["eligible_job_levels"] = ["Give a list of whole-number job levels."]
    if errors:
        raise ValidationError(errors)
    program.full_clean(exclude=["organization", "created_by"])


def program_allowed_moves(program: Program) -> list[str]:
    order = [S.ENROLLING, S.MATCHING, S.ACTIVE, S.DRAFT, S.CLOSED]
    return [s for s in order if s in ALLOWED_MOVES[program.status]]


@transaction.atomic
def program_move(
    *, organization: Organization, actor: User, program_id: int, to_status: str, base_url: str | None = None
) -> Program:
    """Move a program along its lifecycle; a move that is not allowed raises ValidationError.

    Opening a draft for enrollment emails the people invited while it was a draft (`base_url`, scheme and
    host, makes the link in the email absolute)."""
    program = get_scoped_or_404(Program.objects.select_for_update(), organization, pk=program_id)
    if to_status not in ALLOWED_MOVES.get(program.status, set()):
        raise ValidationError(
            f"A program that is {program.get_status_display().lower()} cannot move to “{S(to_status).label}”."
            if to_status in S.values
            else f"Unknown status “{to_status}”."
        )
    if to_status == S.ENROLLING and not program.questions.exists():
        raise ValidationError("Add at least one question before opening enrollment.")
    old = program.status
    program.status = to_status
    program.save(update_fields=["status", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        verb=f"program.{MOVE_VERBS[to_status]}",
        target=program,
        changes={"status": [old, to_status]},
    )
    if old == S.DRAFT and to_status == S.ENROLLING:
        # Invitations made while the program was a draft were not emailed: there was nothing to open yet.
        invited = scoped(Participant, organization).filter(program=program, status=P.INVITED)
        queue_invitation_emails(
            organization_id=organization.pk,
            participant_ids=list(invited.values_list("pk", flat=True)),
            base_url=base_url,
        )
    return program


# --- Eligibility and enrollment ----------------------------------------------------------------


def employee_is_eligible(*, program: Program, employee: Employee, on: date | None = None) -> bool:
    today = on or timezone.localdate()
    if employee.organization_id != program.organization_id:
        return False
    if employee.left_on is not None and employee.left_on <= today:
        return False
    if program.eligible_departments and employee.department not in program.eligible_departments:
        return False
    if program.eligible_job_levels and employee.job_level not in program.eligible_job_levels:
        return False
    return not (program.eligible_locations and employee.location not in program.eligible_locations)


def eligible_employees_q(program: Program, *, on: date | None = None) -> Q:
    """The eligibility rule as a query condition (same rule as employee_is_eligible)."""
    today = on or timezone.localdate()
    condition = Q(organization_id=program.organization_id) & (Q(left_on__isnull=True) | Q(left_on__gt=today))
    if program.eligible_departments:
        condition &= Q(department__in=program.eligible_departments)
    if program.eligible_job_levels:
        condition &= Q(job_level__in=program.eligible_job_levels)
    if program.eligible_locations:
        condition &= Q(location__in=program.eligible_locations)
    return condition


def _clean_capacity(program: Program, role: str, capacity: int | None) -> int | None:
    if role != Participant.Role.MENTOR:
        return None
    if capacity is None:
        return program.default_mentor_capacity
    if not 1 <= int(capacity) <= program.max_mentor_capacity:
        raise ValidationError({"capacity": [f"Choose a capacity from 1 to {program.max_mentor_capacity}."]})
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
        raise ValidationError("This person is not on this organization's roster.")
    if program.status != S.ENROLLING:
        raise ValidationError("This program is not open for enrollment.")
    if role not in Participant.Role.values:
        raise ValidationError({"role": ["Choose mentor or mentee."]})
    if not employee_is_eligible(program=program, employee=employee):
        raise ValidationError("You are not eligible for this program.")
    questions = list(scoped(Question, organization).filter(program=program))
    cleaned = answers_clean(questions=questions, role=role, answers=answers)
    existing = scoped(Participant, organization).filter(program=program, employee=employee, role=role).first()
    if existing is not None:
        if existing.status not in (Participant.Status.INVITED, Participant.Status.WITHDRAWN):
            raise ValidationError(f"You are already enrolled in this program as {existing.get_role_display().lower()}.")
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
        raise ValidationError("You are already enrolled in this program in this role.") from None
    audit_record(organization=organization, actor=actor, verb="participant.enroll", target=participant)
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
        raise ValidationError("This enrollment can no longer be changed.")
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
        raise ValidationError(
            {
                P.MATCHED: "You are already matched: end the match instead.",
                P.WITHDRAWN: "You have already withdrawn.",
                P.DECLINED: "This application was declined; there is nothing to withdraw.",
            }.get(participant.status, "This enrollment cannot be withdrawn.")
        )
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
        raise ValidationError(f"Unknown decision “{decision}”.")
    program = get_scoped_or_404(Program, organization, pk=program_id)
    if program.status not in DECIDING_PROGRAM_STATUSES:
        raise ValidationError(
            f"Applications can only be decided while the program is enrolling or matching; "
            f"“{program.name}” is {program.get_status_display().lower()}."
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
        raise ValidationError("Invitations can only be sent while the program is a draft or enrolling.")
    if role not in Participant.Role.values:
        raise ValidationError("Choose mentor or mentee.")
    departments, job_levels = list(departments), list(job_levels)
    wanted_emails = {e.strip().lower() for e in emails if e.strip()}
    if not (departments or job_levels or wanted_emails):
        raise ValidationError("Choose a department, a job level, or give email addresses.")
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
        queue_invitation_emails(organization_id=organization.pk, participant_ids=invited_ids, base_url=base_url)
    return result


def queue_invitation_emails(*, organization_id: int, participant_ids: list[int], base_url: str | None) -> None:
    """Email each invited participant after commit, one task per person (ids only), so a retry after a mail
    server hiccup resends one email, not the whole batch."""
    if not participant_ids:
        return
    from ..tasks import send_program_invitation  # the task module imports the app's modules

    def queue() -> None:
        for participant_id in participant_ids:
            send_program_invitation.delay(
                organization_id=organization_id, participant_id=participant_id, base_url=base_url or ""
            )

    # robust: the invitations are saved; a broker outage is logged rather than shown as an error.
    transaction.on_commit(queue, robust=True)


def membership_employee(membership: Membership) -> Employee:
    """The roster row of a signed-in member, needed to enroll."""
    if membership.employee_id is None:
        raise ValidationError("Your account is not linked to a roster entry; ask your HR admin.")
    return membership.employee


def level_rule_allows(*, program: Program, mentor_level: int, mentee_level: int) -> bool:
    """Who may mentor whom by job level. Reverse mentoring turns the usual rule around: the mentor is the
    more junior person. Elsewhere the mentor is at least as senior as the mentee."""
    if program.is_reverse:
        return mentor_level < mentee_level
    return mentor_level >= mentee_level
