"""Validation of enrollment answers against a program's questions. Pure: no database access."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Question

MAX_TEXT = 2000
MAX_TAGS = 20
MAX_TAG_LENGTH = 60


def answers_clean(*, questions: Iterable[Question], role: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Check `answers` ({question id: value}) for `role` and return them normalized.

    Raises ValidationError with one message per question id, e.g. {"12": ["Choose one of: ..."]}.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    asked = {str(q.pk): q for q in questions if q.asks(role)}
    loose_keys: Mapping[Any, Any] = answers  # callers in Python may key answers by the integer id
    for key in answers:
        if str(key) not in asked:
            errors[str(key)] = ["This question is not part of the form for your role."]
    for key, question in asked.items():
        value = answers.get(key, loose_keys.get(int(key)) if key.isdigit() else None)
        if _is_blank(value):
            if question.required:
                errors[key] = [f"“{question.prompt_for(role)}” is required."]
            continue
        try:
            cleaned[key] = _clean_one(question, value)
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _clean_one(question: Question, value: Any) -> Any:
    kind = question.type
    if kind == Question.Type.SINGLE:
        if not isinstance(value, str) or value not in question.options:
            raise ValidationError(_("Choose one of: %(options)s.") % {"options": ", ".join(question.options)})
        return value
    if kind == Question.Type.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationError(_("Choose one or more of the listed options."))
        unknown = [v for v in values if v not in question.options]
        if unknown:
            raise ValidationError(
                _("Unknown option: %(unknown)s. Choose from: %(options)s.")
                % {"unknown": ", ".join(unknown), "options": ", ".join(question.options)}
            )
        return list(dict.fromkeys(values))
    if kind == Question.Type.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Give a number from 1 to 5.")) from None
        if isinstance(value, bool) or str(value).strip() not in {str(number), f"{number}.0"} or not 1 <= number <= 5:
            raise ValidationError(_("Give a whole number from 1 to 5."))
        return number
    if kind == Question.Type.TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Give a text answer."))
        if len(value) > MAX_TEXT:
            raise ValidationError(_("Keep this under %(count)s characters.") % {"count": MAX_TEXT})
        return value.strip()
    if kind == Question.Type.TAGS:
        tags = [t.strip() for t in value.split(",")] if isinstance(value, str) else value
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValidationError(_("Give a list of skills."))
        tags = list(dict.fromkeys(t for t in tags if t))
        if len(tags) > MAX_TAGS:
            raise ValidationError(_("Choose at most %(count)s skills.") % {"count": MAX_TAGS})
        if any(len(t) > MAX_TAG_LENGTH for t in tags):
            raise ValidationError(_("Keep each skill under %(count)s characters.") % {"count": MAX_TAG_LENGTH})
        return tags
    raise ValidationError(_("Unknown question type %(kind)s.") % {"kind": repr(kind)})
