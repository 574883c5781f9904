"""Writes of programs: create, update, and moves along the lifecycle (draft, enrolling, matching, active,
closed). Keyword-only, typed, atomic, audited, scoped by organization."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from identity.models import EmployeeGroup
from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.outbox import outbox_record
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..agreements import template_clean
from ..models import Participant, Program, ProgramAudienceGroup
from ..question_sets import PROGRAM_DEFAULTS
from .invitations import invitation_emails_queue
from .questions import question_set_create

S = Program.Status
P = Participant.Status
# The lifecycle. Going back is allowed where it loses nothing: a program in enrollment can return to
# draft for edits, and matching can reopen enrollment for late joiners.
ALLOWED_MOVES: dict[str, set[str]] = {
    S.DRAFT: {S.ENROLLING, S.CLOSED},
    S.ENROLLING: {S.DRAFT, S.MATCHING, S.CLOSED},
    S.MATCHING: {S.ENROLLING, S.ACTIVE, S.CLOSED},
    S.ACTIVE: {S.CLOSED},
    S.CLOSED: set(),
}
MOVE_VERBS: dict[str, str] = {
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
    "circles_within_groups",
    "flash_cancel_hours",
    "agreement_template",
    "agreement_required",
]
# Not a column: the ids of the program's audience groups (ProgramAudienceGroup rows), in `data` too.
AUDIENCE_KEY = "audience_group_ids"


def program_defaults(kind: str) -> dict[str, Any]:
    return dict(PROGRAM_DEFAULTS.get(kind, {}))


@transaction.atomic
def program_create(
    *, organization: Organization, actor: User, data: Mapping[str, Any], with_question_set: bool = True
) -> Program:
    """Create a draft program; by default with the ready-made question set of its kind."""
    kind = data.get("kind", Program.Kind.ONE_ON_ONE)
    values = {**program_defaults(kind), **{k: v for k, v in data.items() if k in PROGRAM_FIELDS}}
    if "agreement_template" in values:
        values["agreement_template"] = template_clean(values["agreement_template"])
    program = Program(organization=organization, created_by=actor, status=S.DRAFT, **values)
    audience = _audience_clean(organization, data.get(AUDIENCE_KEY, ()))
    _program_validate(program, audience)
    program.save()
    _audience_set(organization, program, audience)
    if with_question_set:
        question_set_create(organization=organization, program=program)
    audit_record(organization=organization, actor=actor, verb="program.create", target=program)
    return program


@transaction.atomic
def program_update(*, organization: Organization, actor: User, program_id: int, data: Mapping[str, Any]) -> Program:
    program = get_scoped_or_404(Program.objects.select_for_update(), organization, pk=program_id)
    if program.status == S.CLOSED:
        raise ValidationError(_("A closed program cannot be changed."))
    if "kind" in data and data["kind"] != program.kind and program.status != S.DRAFT:
        raise ValidationError(_("The kind of program can only change while it is a draft."))
    before = {f: getattr(program, f) for f in PROGRAM_FIELDS}
    before[AUDIENCE_KEY] = audience_group_ids(program)
    for field, value in data.items():
        if field in PROGRAM_FIELDS:
            setattr(program, field, value)
    if "agreement_template" in data:
        program.agreement_template = template_clean(data["agreement_template"])
    audience = _audience_clean(organization, data[AUDIENCE_KEY]) if AUDIENCE_KEY in data else before[AUDIENCE_KEY]
    _program_validate(program, audience)
    program.save()
    _audience_set(organization, program, audience)
    after = {f: getattr(program, f) for f in PROGRAM_FIELDS}
    after[AUDIENCE_KEY] = audience
    audit_record(
        organization=organization,
        actor=actor,
        verb="program.update",
        target=program,
        changes=diff_fields(before, after),
    )
    return program


def audience_group_ids(program: Program) -> list[int]:
    """The ids of the program's audience groups, sorted."""
    links = ProgramAudienceGroup.objects.filter(organization_id=program.organization_id, program_id=program.pk)
    return sorted(links.values_list("group_id", flat=True))


def _audience_clean(organization: Organization, group_ids: Any) -> list[int]:
    try:
        wanted = {int(pk) for pk in group_ids or ()}
    except (TypeError, ValueError):
        raise ValidationError({AUDIENCE_KEY: [_("Give a list of group ids.")]}) from None
    found = set(scoped(EmployeeGroup, organization).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise ValidationError({AUDIENCE_KEY: [_("Some of these groups do not exist in this organization.")]})
    return sorted(found)


def _audience_set(organization: Organization, program: Program, group_ids: list[int]) -> None:
    links = scoped(ProgramAudienceGroup, organization).filter(program=program)
    links.exclude(group_id__in=group_ids).delete()
    present = set(links.values_list("group_id", flat=True))
    ProgramAudienceGroup.objects.bulk_create(
        [
            ProgramAudienceGroup(organization=organization, program=program, group_id=pk)
            for pk in group_ids
            if pk not in present
        ]
    )


def _program_validate(program: Program, audience: list[int] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if program.circles_within_groups and program.kind != Program.Kind.GROUP:
        errors["circles_within_groups"] = ["Only circle programs form circles within groups."]
    elif program.circles_within_groups and not audience:
        errors["circles_within_groups"] = ["Choose the audience groups that circles are formed within."]
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


def _moves(program: Program) -> set[str]:
    """The lifecycle of this program's kind: a flash program has nothing to match, so it goes from
    enrollment straight to active (members book office hours in either) and never to matching."""
    moves = set(ALLOWED_MOVES.get(program.status, set()))
    if program.is_flash:
        moves.discard(S.MATCHING)
        if program.status in (S.ENROLLING, S.MATCHING):
            moves.add(S.ACTIVE)
    return moves


def program_allowed_moves(program: Program) -> list[str]:
    order = [S.ENROLLING, S.MATCHING, S.ACTIVE, S.DRAFT, S.CLOSED]
    moves = _moves(program)
    return [s for s in order if s in moves]


@transaction.atomic
def program_move(
    *, organization: Organization, actor: User, program_id: int, to_status: str, base_url: str | None = None
) -> Program:
    """Move a program along its lifecycle; a move that is not allowed raises ValidationError.

    Opening a draft for enrollment emails the people invited while it was a draft (`base_url`, scheme and
    host, makes the link in the email absolute)."""
    program = get_scoped_or_404(Program.objects.select_for_update(), organization, pk=program_id)
    if to_status not in _moves(program):
        raise ValidationError(
            _("A program that is %(status)s cannot move to “%(target)s”.")
            % {"status": program.get_status_display().lower(), "target": S(to_status).label}
            if to_status in S.values
            else _("Unknown status “%(status)s”.") % {"status": to_status}
        )
    if to_status == S.ENROLLING and not program.questions.exists():
        raise ValidationError(_("Add at least one question before opening enrollment."))
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
    outbox_record(
        organization=organization,
        event_type="program.status_changed",
        data={"program_id": program.pk, "old_status": old, "status": to_status},
    )
    if old == S.DRAFT and to_status == S.ENROLLING:
        # Invitations made while the program was a draft were not emailed: there was nothing to open yet.
        invited = scoped(Participant, organization).filter(program=program, status=P.INVITED)
        invitation_emails_queue(
            organization_id=organization.pk,
            participant_ids=list(invited.values_list("pk", flat=True)),
            base_url=base_url,
        )
    return program
