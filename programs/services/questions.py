"""Writes of a program's enrollment form (its questions): keyword-only, typed, atomic, audited, scoped by
organization."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import Participant, Program, Question
from ..question_sets import QUESTION_SETS
from .skills import question_options_from_catalogue, skills_ensure_starter

S = Program.Status
QUESTION_FIELDS = [
    "prompt",
    "mentor_prompt",
    "help_text",
    "type",
    "options",
    "option_source",
    "audience",
    "required",
    "rule",
    "weight",
]
SKILL_TYPES = (Question.Type.MULTIPLE, Question.Type.TAGS)


# --- Questions -----------------------------------------------------------------------------


def _question_save(question: Question) -> Question:
    errors: dict[str, list[str]] = {}
    if question.option_source == Question.OptionSource.SKILLS:
        if question.type not in SKILL_TYPES:
            raise ValidationError(
                {"option_source": [_("Options from the skills catalogue need “Multiple choice” or “Skills / tags”.")]}
            )
        # The catalogue's active skills (plus any chosen already); kept in step by services.skills.
        skills_ensure_starter(organization=question.organization)
        question.options = question_options_from_catalogue(question.organization, question)
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


def question_set_create(*, organization: Organization, program: Program) -> None:
    """Give a new program the ready-made questions of its kind (part of program_create, which audits)."""
    for position, spec in enumerate(QUESTION_SETS.get(program.kind, [])):
        _question_save(Question(organization=organization, program=program, position=position, **spec))


def _editable_program(organization: Organization, program_id: int) -> Program:
    program = get_scoped_or_404(Program, organization, pk=program_id)
    if program.status not in (S.DRAFT, S.ENROLLING):
        raise ValidationError(_("Questions can only change while the program is a draft or enrolling."))
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
    _answers_stay_valid(organization, question, old_type=before["type"], old_options=before["options"])
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


def _answers_stay_valid(organization: Organization, question: Question, *, old_type: str, old_options: Any) -> None:
    """Refuse a change that would leave stored answers invalid: a new type once anyone has answered, or
    removing (or renaming) an option someone chose. New options and a new prompt are always fine."""
    removed = set(old_options or []) - set(question.options or []) if question.has_options else set()
    if question.type == old_type and not removed:
        return
    answers = (
        scoped(Participant, organization)
        .filter(program_id=question.program_id, answers__has_key=str(question.pk))
        .values_list("answers", flat=True)
    )
    chosen: set[str] = set()
    count = 0
    for stored in answers:
        value = stored.get(str(question.pk))
        count += 1
        chosen.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    if not count:
        return
    if question.type != old_type:
        message = ngettext(
            "%(count)s person has already answered this question: its type cannot change. Add a new question "
            "instead, or delete this one.",
            "%(count)s people have already answered this question: its type cannot change. Add a new question "
            "instead, or delete this one.",
            count,
        ) % {"count": count}
        raise ValidationError({"type": [message]})
    in_use = sorted(option for option in removed if option in chosen)
    if in_use:
        raise ValidationError(
            {
                "options": [
                    ngettext(
                        "%(count)s person has already answered this question, and some chose %(options)s: keep "
                        "those options (you can add new ones).",
                        "%(count)s people have already answered this question, and some chose %(options)s: keep "
                        "those options (you can add new ones).",
                        count,
                    )
                    % {"count": count, "options": ", ".join(f"“{o}”" for o in in_use)}
                ]
            }
        )


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
        raise ValidationError(_("No such question."))
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, question in enumerate(ordered):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])
