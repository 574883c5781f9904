"""Every write of the programs app: keyword-only, typed, atomic, audited, scoped by organization."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mentorhub.accounts.models import Employee, Membership, Organization, User
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.tenancy import get_scoped_or_404, scoped

from .answers import answers_clean
from .models import Participant, Program, Question
from .question_sets import PROGRAM_DEFAULTS, QUESTION_SETS

S = Program.Status
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
QUESTION_FIELDS = ["prompt", "mentor_prompt", "help_text", "type", "options", "audience", "required", "rule", "weight"]


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
def program_move(*, organization: Organization, actor: User, program_id: int, to_status: str) -> Program:
    """Move a program along its lifecycle; a move that is not allowed raises ValidationError."""
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
    return program


# --- Questions -----------------------------------------------------------------------------


def _question_save(question: Question) -> Question:
    errors: dict[str, list[str]] = {}
    if question.has_options:
        options = question.options
        if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
            errors["options"] = ["Give the options as a list of non-empty texts."]
        elif len(options) < 2:
            errors["options"] = ["A choice question needs at least two options."]
        elif len(set(options)) != len(options):
            errors["options"] = ["Each option must be different."]
    elif question.type == Question.Type.TAGS:
        if not isinstance(question.options, list):
            errors["options"] = ["Suggested skills must be a list."]
    else:
        question.options = []
    if question.rule in (Question.Rule.NONE, Question.Rule.MUST):
        question.weight = 0
    elif question.weight == 0:
        errors["weight"] = ["Give a weight from 1 to 5, or choose “Not used for matching”."]
    if question.type == Question.Type.TEXT and question.rule not in (Question.Rule.NONE,):
        errors["rule"] = ["Free-text answers cannot be used for matching."]
    if question.rule == Question.Rule.OFFERS_WANTS and question.audience != Question.Audience.BOTH:
        errors["audience"] = ["“Mentor offers what the mentee wants” needs the question asked of both."]
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["organization", "program"])
    question.save()
    return question


def _editable_program(organization: Organization, program_id: int) -> Program:
    program = get_scoped_or_404(Program, organization, pk=program_id)
    if program.status not in (S.DRAFT, S.ENROLLING):
        raise ValidationError("Questions can only change while the program is a draft or enrolling.")
    return program


@transaction.atomic
def question_create(*, organization: Organization, actor: User, program_id: int, data: Mapping[str, Any]) -> Question:
    program = _editable_program(organization, program_id)
    last = program.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question(
        organization=organization,
        program=program,
        position=(last + 1) if last is not None else 0,
        **{k: v for k, v in data.items() if k in QUESTION_FIELDS},
    )
    _question_save(question)
    audit_record(organization=organization, actor=actor, verb="question.create", target=question)
    return question


@transaction.atomic
def question_update(
    *, organization: Organization, actor: User, program_id: int, question_id: int, data: Mapping[str, Any]
) -> Question:
    _editable_program(organization, program_id)
    question = get_scoped_or_404(Question, organization, pk=question_id, program_id=program_id)
    before = {f: getattr(question, f) for f in QUESTION_FIELDS}
    for field, value in data.items():
        if field in QUESTION_FIELDS:
            setattr(question, field, value)
    _question_save(question)
    after = {f: getattr(question, f) for f in QUESTION_FIELDS}
    audit_record(
        organization=organization,
        actor=actor,
        verb="question.update",
        target=question,
        changes=diff_fields(before, after),
    )
    return question


@transaction.atomic
def question_delete(*, organization: Organization, actor: User, program_id: int, question_id: int) -> None:
    _editable_program(organization, program_id)
    question = get_scoped_or_404(Question, organization, pk=question_id, program_id=program_id)
    audit_record(organization=organization, actor=actor, verb="question.delete", target=question)
    question.delete()


@transaction.atomic
def question_move(
    *, organization: Organization, actor: User, program_id: int, question_id: int, direction: int
) -> None:
    """Swap a question with its neighbour (direction -1 = up, +1 = down)."""
    program = _editable_program(organization, program_id)
    ordered = list(scoped(Question, organization).filter(program=program).order_by("position", "id"))
    index = next((i for i, q in enumerate(ordered) if q.pk == question_id), None)
    if index is None:
        raise ValidationError("No such question.")
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, question in enumerate(ordered):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])


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
    if participant.status in (Participant.Status.WITHDRAWN, Participant.Status.MATCHED):
        raise ValidationError(
            "You are already matched: end the match instead."
            if participant.status == Participant.Status.MATCHED
            else "You have already withdrawn."
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
) -> dict[str, Any]:
    """Invite eligible employees in bulk (by department, level, or a list of emails). Returns counts and
    the emails that matched nobody eligible, so the admin can see who was left out and why."""
    program = get_scoped_or_404(Program, organization, pk=program_id)
    if program.status not in (S.DRAFT, S.ENROLLING):
        raise ValidationError("Invitations can only be sent while the program is a draft or enrolling.")
    if role not in Participant.Role.values:
        raise ValidationError("Choose mentor or mentee.")
    departments, job_levels = list(departments), list(job_levels)
    wanted_emails = {e.strip().lower() for e in emails if e.strip()}
    if not (departments or job_levels or wanted_emails):
        raise ValidationError("Choose a department, a job level, or give email addresses.")
    people = scoped(Employee, organization).filter(eligible_employees_q(program))
    selection = Q()
    if departments:
        selection |= Q(department__in=departments)
    if job_levels:
        selection |= Q(job_level__in=job_levels)
    if wanted_emails:
        selection |= Q(email__in=list(wanted_emails))
    candidates = list(people.filter(selection).only("id", "email"))
    # Email case may differ from the roster; match it case-insensitively.
    if wanted_emails:
        lowered = {e.email.lower() for e in candidates}
        extra = [e for e in people.only("id", "email") if e.email.lower() in wanted_emails - lowered]
        candidates += extra
    found_emails = {e.email.lower() for e in candidates}
    already = set(
        scoped(Participant, organization)
        .filter(program=program, role=role, employee_id__in=[e.pk for e in candidates])
        .values_list("employee_id", flat=True)
    )
    new = [
        Participant(
            organization=organization, program=program, employee=e, role=role, status=Participant.Status.INVITED
        )
        for e in candidates
        if e.pk not in already
    ]
    Participant.objects.bulk_create(new, ignore_conflicts=True)
    result = {
        "invited": len(new),
        "already_enrolled": len(already),
        "not_found": sorted(wanted_emails - found_emails),
    }
    audit_record(
        organization=organization,
        actor=actor,
        verb="participant.invite",
        target=program,
        changes={"invited": [None, result["invited"]]},
    )
    return result


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
