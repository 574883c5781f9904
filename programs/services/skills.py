"""Writes of the organization's skills catalogue: the starter set, add / rename / deactivate, the CSV import.
Every change also refreshes the options of the enrollment questions that take them from the catalogue, so
their answers are validated and matched as typed options are (programs/skills.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.csv_safety import unsafe_cell
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import Participant, Program, Question, Skill
from ..skills import STARTER_SKILLS, skill_key

SKILL_FIELDS = ("name", "category", "description")
IMPORT_COLUMNS = ("name", "category", "description")
IMPORT_MAX_BYTES = 1_048_576
IMPORT_MAX_ROWS = 2000


def skills_ensure_starter(*, organization: Organization) -> int:
    """Give an organization without any skill the starter set; returns how many were added. Concurrent first
    visits are harmless: the unique name constraint drops the second copy."""
    if scoped(Skill, organization).exists():
        return 0
    with transaction.atomic():
        created = Skill.objects.bulk_create(
            [
                Skill(organization=organization, name=name, category=category, description=description)
                for name, category, description in STARTER_SKILLS
            ],
            ignore_conflicts=True,
        )
        skill_questions_refresh(organization=organization)
    return len(created)


def _skill_save(skill: Skill) -> Skill:
    for field in SKILL_FIELDS:
        setattr(skill, field, " ".join(str(getattr(skill, field) or "").split()))
    if not skill.name:
        raise ValidationError({"name": [_("Give the skill a name.")]})
    skill.full_clean()  # includes the case-insensitive unique name
    skill.save()
    return skill


@transaction.atomic
def skill_create(
    *, organization: Organization, actor: User, name: str, category: str = "", description: str = ""
) -> Skill:
    skill = _skill_save(Skill(organization=organization, name=name, category=category, description=description))
    audit_record(organization=organization, actor=actor, verb="skill.create", target=skill)
    skill_questions_refresh(organization=organization)
    return skill


@transaction.atomic
def skill_update(
    *, organization: Organization, actor: User, skill_id: int, name: str, category: str = "", description: str = ""
) -> Skill:
    skill = get_scoped_or_404(Skill.objects.select_for_update(), organization, pk=skill_id)
    before = {field: getattr(skill, field) for field in SKILL_FIELDS}
    skill.name, skill.category, skill.description = name, category, description
    _skill_save(skill)
    changes = diff_fields(before, {field: getattr(skill, field) for field in SKILL_FIELDS})
    audit_record(organization=organization, actor=actor, verb="skill.update", target=skill, changes=changes)
    skill_questions_refresh(organization=organization)
    return skill


@transaction.atomic
def skill_set_active(*, organization: Organization, actor: User, skill_id: int, active: bool) -> Skill:
    """Deactivate (new forms no longer offer it; answers and ratings given keep it) or reactivate a skill."""
    skill = get_scoped_or_404(Skill.objects.select_for_update(), organization, pk=skill_id)
    if skill.active != active:
        skill.active = active
        skill.save(update_fields=["active", "updated_at"])
        verb = "skill.reactivate" if active else "skill.deactivate"
        audit_record(organization=organization, actor=actor, verb=verb, target=skill)
        skill_questions_refresh(organization=organization)
    return skill


# --- The enrollment questions that take their options from the catalogue ---------------------------------


def skill_options(organization: Organization) -> list[str]:
    return list(scoped(Skill, organization).filter(active=True).order_by(Lower("name")).values_list("name", flat=True))


def skill_questions_refresh(*, organization: Organization) -> int:
    """Set the options of every catalogue-sourced question of a draft or enrolling program to the active
    skills, keeping any option someone already chose (their answer stays valid). Returns the questions
    changed. Programs past enrollment keep the form their answers were given to."""
    active = skill_options(organization)
    questions = scoped(Question, organization).filter(
        option_source=Question.OptionSource.SKILLS,
        program__status__in=(Program.Status.DRAFT, Program.Status.ENROLLING),
    )
    changed = 0
    for question in questions:
        options = question_options_from_catalogue(organization, question, active)
        if options != question.options:
            question.options = options
            question.save(update_fields=["options"])
            changed += 1
    return changed


def question_options_from_catalogue(
    organization: Organization, question: Question, active: list[str] | None = None
) -> list[str]:
    options = list(active if active is not None else skill_options(organization))
    if question.pk is None:
        return options
    known = {skill_key(name) for name in options}
    for stored in (
        scoped(Participant, organization)
        .filter(program_id=question.program_id, answers__has_key=str(question.pk))
        .values_list("answers", flat=True)
    ):
        value = stored.get(str(question.pk))
        for chosen in value if isinstance(value, list) else [value]:
            if isinstance(chosen, str) and skill_key(chosen) not in known:
                known.add(skill_key(chosen))
                options.append(chosen)
    return options


# --- CSV import ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillsImported:
    created: int
    updated: int


def _limits() -> dict[str, int]:
    limits: dict[str, int] = {}
    for name in IMPORT_COLUMNS:
        field = Skill._meta.get_field(name)
        assert isinstance(field, models.CharField) and field.max_length  # the catalogue's text columns
        limits[name] = field.max_length
    return limits


def skills_csv_parse(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows of a skills CSV (name, category, description; header first) as (line, row). Every problem is
    collected first and raised together, each message starting with its line number, so the file can be fixed
    in one go; nothing is returned (nor written) while any remains."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 1 MB. Split it into smaller files."))
    try:
        text = content.decode("utf-8-sig")  # the byte-order mark spreadsheet programs write
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ValidationError(
            _("Line %(line)s: the file is not UTF-8 text. Save it as “CSV UTF-8”.") % {"line": line}
        ) from None
    if not text.strip():
        raise ValidationError(_("The file is empty. Give a header row: name,category,description."))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    limits = _limits()
    seen: dict[str, int] = {}
    try:
        header = [name.strip().lower() for name in next(reader)]
        # "active": the export's extra column, ignored, so an exported file uploads unchanged.
        unknown = [name for name in header if name not in (*IMPORT_COLUMNS, "active")]
        if unknown or "name" not in header or len(set(header)) != len(header):
            raise ValidationError(
                _(
                    "Line 1: the header must name the columns name, category, description (name required); "
                    "found %(found)s."
                )
                % {"found": ", ".join(header) or _("nothing")}
            )
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1  # a quoted value may span lines
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                errors.append(
                    _("Line %(line)s: %(values)s values, but the header has %(columns)s.")
                    % {"line": start, "values": len(record), "columns": len(header)}
                )
                continue
            row = {
                column: " ".join(unsafe_cell(value).split())
                for column, value in zip(header, record, strict=True)
                if column in IMPORT_COLUMNS
            }
            if any("\x00" in value for value in row.values()):
                errors.append(_("Line %(line)s: contains a NUL character; remove it.") % {"line": start})
                continue
            if not row.get("name"):
                errors.append(_("Line %(line)s: the name is empty.") % {"line": start})
                continue
            too_long = [c for c, value in row.items() if len(value) > limits[c]]
            if too_long:
                errors.extend(
                    _("Line %(line)s: %(column)s is longer than %(count)s characters.")
                    % {"line": start, "column": c, "count": limits[c]}
                    for c in too_long
                )
                continue
            key = skill_key(row["name"])
            if key in seen:
                errors.append(
                    _("Line %(line)s: “%(name)s” is already on line %(other)s.")
                    % {"line": start, "name": row["name"], "other": seen[key]}
                )
                continue
            seen[key] = start
            rows.append((start, row))
            if len(rows) > IMPORT_MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(count)s skills. Split it.") % {"count": IMPORT_MAX_ROWS}
                )
    except StopIteration:
        raise ValidationError(_("The file is empty. Give a header row: name,category,description.")) from None
    except csv.Error as exc:
        errors.append(
            _("Line %(line)s: not valid CSV here (%(error)s).") % {"line": reader.line_num or 1, "error": exc}
        )
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has a header but no skills."))
    return rows


@transaction.atomic
def skills_import(*, organization: Organization, actor: User, content: bytes) -> SkillsImported:
    """Add the file's new skills and update the category and description of those the catalogue has (same
    name, any case; reactivated). All or nothing: any bad row refuses the whole file."""
    rows = skills_csv_parse(content)
    existing = {skill_key(s.name): s for s in scoped(Skill.objects.select_for_update(), organization)}
    created = updated = 0
    for _line, row in rows:
        skill = existing.get(skill_key(row["name"]))
        if skill is None:
            _skill_save(Skill(organization=organization, **{c: row.get(c, "") for c in IMPORT_COLUMNS}))
            created += 1
            continue
        new = {c: row[c] for c in ("category", "description") if c in row}
        if any(getattr(skill, c) != value for c, value in new.items()) or not skill.active:
            for column, value in new.items():
                setattr(skill, column, value)
            skill.active = True
            _skill_save(skill)
            updated += 1
    audit_record(
        organization=organization,
        actor=actor,
        verb="skill.import",
        target_label=f"{created} added, {updated} updated",
        changes={"created": [0, created], "updated": [0, updated]},
    )
    skill_questions_refresh(organization=organization)
    return SkillsImported(created=created, updated=updated)
