"""The enrollment form, built from a program's questions for one role. Validation of the values is
`answers.answers_clean` (the one rule for pages and API); this form only renders and collects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.web.errors import form_add_service_error

from ..answers import answers_clean
from ..models import Participant, Program, Question

# A bare row of 1-5 leaves people guessing which end is which: both ends say what they mean, in the radio's own
# label (read out with the number) and in the hint under the legend.
SCALE_LOW, SCALE_HIGH = gettext_lazy("not at all"), gettext_lazy("very much")
SCALE_CHOICES = [
    ("1", format_lazy("1 ({})", SCALE_LOW)),
    *((str(n), str(n)) for n in range(2, 5)),
    ("5", format_lazy("5 ({})", SCALE_HIGH)),
]
SCALE_HINT = format_lazy("1 = {}, 5 = {}.", SCALE_LOW, SCALE_HIGH)


def field_name(question: Question) -> str:
    return f"q_{question.pk}"


def question_field(key: str) -> str:
    """The form field of a service's message key: a question id ("12") names its question's field; any
    other key (capacity) is a field name already."""
    return f"q_{key}" if key.isascii() and key.isdigit() else key


class EnrollmentForm(forms.Form):
    """Fields `q_<question id>` for the questions asked of `role`, plus capacity for mentors."""

    def __init__(
        self,
        *args: Any,
        program: Program,
        questions: Iterable[Question],
        role: str,
        answers: Mapping[str, Any] | None = None,
        capacity: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.role = role
        self.questions = [q for q in questions if q.asks(role)]
        answers = answers or {}
        for question in self.questions:
            name = field_name(question)
            self.fields[name] = self._field_for(question)
            if str(question.pk) in answers:
                value = answers[str(question.pk)]
                if question.type == Question.Type.TAGS and isinstance(value, list):
                    value = ", ".join(value)
                self.initial[name] = str(value) if question.type == Question.Type.SCALE else value
        if role == Participant.Role.MENTOR:
            # A circle's facilitator leads a group, not mentees one by one: the question says so.
            self.fields["capacity"] = forms.TypedChoiceField(
                label=_("How many people can your circle take?")
                if program.is_group
                else _("How many mentees can you take on?"),
                choices=[(str(n), str(n)) for n in range(1, program.max_mentor_capacity + 1)],
                coerce=int,
                initial=str(capacity or program.default_mentor_capacity),
                help_text=(
                    (
                        _("Members of your circle, up to %(count)s in this program.")
                        if program.is_group
                        else _("Up to %(count)s in this program.")
                    )
                    % {"count": program.max_mentor_capacity}
                ),
            )

    def _field_for(self, question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.prompt_for(self.role),
            "help_text": question.help_text,
            # Requiredness is checked by answers_clean so pages and API give the same message.
            "required": False,
        }
        if question.type == Question.Type.SINGLE:
            return forms.ChoiceField(
                choices=[("", _("Choose…"))] + [(o, o) for o in question.options], widget=forms.Select, **common
            )
        if question.type == Question.Type.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in question.options], widget=forms.CheckboxSelectMultiple, **common
            )
        if question.type == Question.Type.SCALE:
            common["help_text"] = f"{question.help_text} {SCALE_HINT}".strip()
            return forms.ChoiceField(
                choices=SCALE_CHOICES, widget=forms.RadioSelect(attrs={"class": "scale"}), **common
            )
        if question.type == Question.Type.TAGS:
            suggestions = ", ".join(question.options[:12])
            common["help_text"] = question.help_text or (
                _("Separate skills with commas, e.g. %(suggestions)s.") % {"suggestions": suggestions}
                if suggestions
                else _("Separate skills with commas.")
            )
            return forms.CharField(
                max_length=1200, widget=forms.TextInput(attrs={"list": f"tags-{question.pk}"}), **common
            )
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        raw = {str(q.pk): cleaned.get(field_name(q)) for q in self.questions}
        try:
            self.cleaned_answers = answers_clean(questions=self.questions, role=self.role, answers=raw)
        except ValidationError as exc:
            form_add_service_error(self, exc, field_for=question_field)
        return cleaned

    @property
    def required_field_names(self) -> set[str]:
        return {field_name(q) for q in self.questions if q.required}
