"""Forms of the analytics pages: answering a survey, sharing something about oneself, an HR admin's own
survey question, and the filters of the dashboards. They parse input and explain it; the rules live in the
services, whose ValidationErrors the views put back on these forms.

The dashboards' filters are parsed once for the pages, their CSV exports and the API: which program,
department and period program health covers, and which program and role the impact report covers. The
choices are read from the request's organization only, so a program id or a department of another
organization is not a valid choice (it is refused like any unknown value, never looked up elsewhere)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.accounts.models import Employee, Organization
from mentorhub.accounts.selectors import departments
from mentorhub.tenancy import scoped
from programs.models import Program

from .demographics import ATTRIBUTES, value_label
from .models import SurveyQuestion
from .reports.health import HealthFilters
from .reports.impact import ROLES, ImpactFilters
from .reports.skills_gap import GapFilters
from .services.survey_answers import MAX_TEXT, SCALES

T = SurveyQuestion.Type
PREFER_NOT_TO_SAY = gettext_lazy("I prefer not to say")
# The words under the numbers say what a scale means; the 0-10 question names only its two ends.
# Every scale says what its two ends mean above the radios (each radio also carries its word).
HINTS: dict[str, str] = {
    T.SCALE: "1 = poor, 5 = great.",
    T.AGREE: "1 = strongly disagree, 5 = strongly agree.",
    T.NPS: "0 means not at all likely, 10 means extremely likely.",
}


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
                label=question.shown_prompt,
                required=question.required,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "required": _("Write an answer to this question."),
                    "max_length": _("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
                },
            )
        scale = SCALES[question.type]
        choices = [(value, word) for value, word in zip(range(scale.low, scale.high + 1), scale.labels, strict=True)]
        return forms.TypedChoiceField(
            label=question.shown_prompt,
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
        return [(self[name], str(self.errors[name][0])) for name in self.fields if name in self.errors]


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
                choices=[*((value, value_label(value)) for value in attribute.values), ("", PREFER_NOT_TO_SAY)],
                widget=forms.RadioSelect,
                initial=current.get(attribute.code, ""),
                error_messages={"invalid_choice": _("Choose one of the answers offered, or “I prefer not to say”.")},
            )

    def answers(self) -> dict[str, str | None]:
        return {attribute.code: self.cleaned_data.get(attribute.code) or None for attribute in ATTRIBUTES}


# --- An HR admin's own question ---------------------------------------------------------------------------------


class SurveyQuestionForm(forms.Form):
    prompt = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=300,
        help_text=gettext_lazy(
            "Asked after the standard questions, e.g. “Did the program's kick-off help you get started?”"
        ),
        error_messages={
            "required": gettext_lazy("Write the question."),
            "max_length": gettext_lazy("Keep the question under 300 characters."),
        },
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Answer type"),
        choices=T.choices,
        initial=T.SCALE,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how people answer.")},
    )
    required = forms.BooleanField(
        label=gettext_lazy("People must answer it"),
        required=False,
        help_text=gettext_lazy(
            "Leave it optional unless you really need every answer: a short survey gets more answers."
        ),
    )


# --- The dashboards' filters ---------------------------------------------------------------------------


ROLE_LABELS = {
    "all": gettext_lazy("Mentors and mentees"),
    "mentee": gettext_lazy("Mentees"),
    "mentor": gettext_lazy("Mentors"),
}


def program_choices(organization: Organization) -> list[tuple[str, str]]:
    programs = scoped(Program, organization).exclude(status=Program.Status.DRAFT).order_by("name", "pk")
    return [("", "All programs"), *((str(pk), name) for pk, name in programs.values_list("pk", "name"))]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name  # declared as one on the form
    return field


class _FilterForm(forms.Form):
    """A GET form: unknown keys are ignored, an empty value means "all"."""

    def __init__(self, data: Mapping[str, Any] | None, *, organization: Organization) -> None:
        super().__init__(data if data is not None else {}, auto_id="filter-%s")
        self.organization = organization
        self.programs = program_choices(organization)
        _choice_field(self, "program").choices = self.programs

    def program_id(self) -> int | None:
        value = self.cleaned_data.get("program") or ""
        return int(value) if value else None

    def program_name(self) -> str:
        return dict(self.programs).get(self.cleaned_data.get("program") or "", "")


class HealthFilterForm(_FilterForm):
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data: Mapping[str, Any] | None, *, organization: Organization) -> None:
        super().__init__(data, organization=organization)
        _choice_field(self, "department").choices = [
            ("", "All departments"),
            *((name, name) for name in departments(organization=organization) if name),
        ]

    def clean(self) -> dict[str, Any]:
        """A period is one calendar quarter or one calendar year (or none: all time). Free dates would let two
        overlapping periods be subtracted from each other to single out a few people."""
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if not since and not until:
            return data
        if not (since and until):
            self.add_error("until" if since else "since", _("Give both the start and the end of the period."))
        elif not _whole_quarter_or_year(since, until):
            self.add_error(
                "since",
                _(
                    "Choose one calendar quarter (e.g. 1 Apr to 30 Jun) or one calendar year (1 Jan to 31 Dec): "
                    "other periods could be compared with each other to single out a few people."
                ),
            )
        return data

    def filters(self) -> HealthFilters:
        """The report's filters; call after is_valid()."""
        data = self.cleaned_data
        return HealthFilters(
            program_id=self.program_id(),
            department=data.get("department") or "",
            since=data.get("since"),
            until=data.get("until"),
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), for links that keep them."""
        data = self.cleaned_data
        values = {
            "program": data.get("program") or "",
            "department": data.get("department") or "",
            "since": data["since"].isoformat() if data.get("since") else "",
            "until": data["until"].isoformat() if data.get("until") else "",
        }
        return {key: value for key, value in values.items() if value}


class ImpactFilterForm(_FilterForm):
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Taking part as"), required=False, choices=[(role, ROLE_LABELS[role]) for role in ROLES]
    )

    def filters(self) -> ImpactFilters:
        return ImpactFilters(program_id=self.program_id(), role=self.cleaned_data.get("role") or "all")

    def query(self) -> dict[str, str]:
        values = {"program": self.cleaned_data.get("program") or "", "role": self.cleaned_data.get("role") or ""}
        return {key: value for key, value in values.items() if value and value != "all"}


def _whole_quarter_or_year(since: date, until: date) -> bool:
    if not (MIN_YEAR <= since.year <= MAX_YEAR) or since.year != until.year or since.day != 1:
        return False
    year = since.year
    if (since.month, until.month, until.day) == (1, 12, 31):
        return True
    if since.month not in (1, 4, 7, 10):
        return False
    end = date(year, since.month + 2, 1) + timedelta(days=31)
    return until == end.replace(day=1) - timedelta(days=1)


MIN_YEAR, MAX_YEAR = 2000, 2100


def filter_errors(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


class SkillsGapFilterForm(forms.Form):
    """The skills-gap map's filters: one department and / or one location of the roster (or all)."""

    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    location = forms.ChoiceField(label=gettext_lazy("Location"), required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, organization: Organization) -> None:
        super().__init__(data)
        # Both lists from one query: the distinct (department, location) pairs of the roster.
        pairs = list(scoped(Employee, organization).values_list("department", "location").distinct())
        for index, name in enumerate(("department", "location")):
            values = sorted({pair[index] for pair in pairs if pair[index]})
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", f"All {name}s"), *((value, value) for value in values)]

    @staticmethod
    def empty_filters() -> GapFilters:
        return GapFilters()

    def filters(self) -> GapFilters:
        return GapFilters(
            department=self.cleaned_data.get("department") or "", location=self.cleaned_data.get("location") or ""
        )

    def query(self) -> dict[str, str]:
        return {key: value for key, value in (self.cleaned_data or {}).items() if value}
