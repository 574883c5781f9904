"""Forms of the analytics pages: answering a survey, sharing something about oneself, and an HR admin's own
survey question. They parse input and explain it; the rules live in the services, whose ValidationErrors
the views put back on these forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from .demographics import ATTRIBUTES
from .models import SurveyQuestion
from .services.survey_answers import MAX_TEXT, SCALES

T = SurveyQuestion.Type
PREFER_NOT_TO_SAY = "I prefer not to say"
# The words under the numbers say what a scale means; the 0-10 question names only its two ends.
HINTS = {T.NPS: "0 means not at all likely, 10 means extremely likely."}


def field_name(question_id: int | str) -> str:
    return f"q{question_id}"


# --- Answering a survey ---------------------------------------------------------------------------------------


class SurveyAnswerForm(forms.Form):
    """One field per question of the survey, in order: radios for the scales, a text box for free text."""

    def __init__(self, questions: Iterable[SurveyQuestion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[field_name(question.pk)] = self._field(question)

    @staticmethod
    def _field(question: SurveyQuestion) -> forms.Field:
        if question.type == T.TEXT:
            return forms.CharField(
                label=question.prompt,
                required=question.required,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "required": "Write an answer to this question.",
                    "max_length": f"Keep it under {MAX_TEXT} characters (it has %(show_value)d).",
                },
            )
        scale = SCALES[question.type]
        choices = [(value, word) for value, word in zip(range(scale.low, scale.high + 1), scale.labels, strict=True)]
        return forms.TypedChoiceField(
            label=question.prompt,
            required=question.required,
            choices=choices,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            help_text=HINTS.get(question.type, ""),
            error_messages={"required": scale.required_message, "invalid_choice": scale.required_message},
        )

    def answers(self) -> dict[str, Any]:
        """{question id: value} for the service (blank optional answers left out)."""
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question.pk))
            if value not in (None, ""):
                found[str(question.pk)] = value
        return found

    def problems(self) -> list[tuple[forms.BoundField, str]]:
        """(field, first message) of every question with an error, in order: the summary links to each."""
        return [(self[name], self.errors[name][0]) for name in self.fields if name in self.errors]


# --- About me -------------------------------------------------------------------------------------------------


class AboutMeForm(forms.Form):
    """One question per attribute a person may share; "I prefer not to say" (the empty value) removes it."""

    def __init__(self, *args: Any, current: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        for attribute in ATTRIBUTES:
            self.fields[attribute.code] = forms.ChoiceField(
                label=attribute.question,
                required=False,
                choices=[*((value, value) for value in attribute.values), ("", PREFER_NOT_TO_SAY)],
                widget=forms.RadioSelect,
                initial=current.get(attribute.code, ""),
                error_messages={"invalid_choice": "Choose one of the answers offered, or “I prefer not to say”."},
            )

    def answers(self) -> dict[str, str | None]:
        return {attribute.code: self.cleaned_data.get(attribute.code) or None for attribute in ATTRIBUTES}


# --- An HR admin's own question ---------------------------------------------------------------------------------


class SurveyQuestionForm(forms.Form):
    prompt = forms.CharField(
        label="Question",
        max_length=300,
        help_text="Asked after the standard questions, e.g. “Did the program's kick-off help you get started?”",
        error_messages={"required": "Write the question.", "max_length": "Keep the question under 300 characters."},
    )
    type = forms.ChoiceField(
        label="Answer type",
        choices=T.choices,
        initial=T.SCALE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how people answer."},
    )
    required = forms.BooleanField(
        label="People must answer it",
        required=False,
        help_text="Leave it optional unless you really need every answer: a short survey gets more answers.",
    )
