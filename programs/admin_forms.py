"""Forms of the HR admin pages: the program wizard's steps, the settings page, the question editor and
the bulk invitation. They parse and explain input; the rules live in services (whose ValidationErrors
are put back on these forms with mentorhub.web.errors.form_add_service_error)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import Participant, Program, Question

KIND_DESCRIPTIONS = {
    Program.Kind.ONE_ON_ONE: (
        "A mentor and a mentee meet regularly, one to one. Mentors are usually more senior; each can take a "
        "few mentees. The classic choice for career growth and skills."
    ),
    Program.Kind.GROUP: (
        "Small circles of peers meet with a facilitator (the mentor). Good for reaching many people at once, "
        "for topics such as leadership or inclusion, and when mentors are scarce."
    ),
    Program.Kind.REVERSE: (
        "A more junior employee mentors a more senior one, e.g. on AI tools, social media or how new "
        "colleagues work. Matching puts the mentor at a lower job level than the mentee."
    ),
}

RULE_EXPLANATIONS = {
    Question.Rule.SAME: "Pairs who give the same answer score higher. Good for meeting format or working hours.",
    Question.Rule.DIFFERENT: "Pairs who answer differently score higher. Good for mixing backgrounds or departments.",
    Question.Rule.OVERLAP: "The more choices two people share, the higher they score. Good for goals and topics.",
    Question.Rule.OFFERS_WANTS: (
        "Compares what a mentor can offer with what a mentee wants. Ask it of both, and give a mentor prompt "
        "such as “Skills you can offer”."
    ),
    Question.Rule.MUST: (
        "A hard filter: two people who share no answer are never matched (e.g. a common language). The weight "
        "is not used."
    ),
    Question.Rule.NONE: "Collected for information only; matching ignores it.",
}

TYPE_EXPLANATIONS = {
    Question.Type.SINGLE: "Pick one option from a list.",
    Question.Type.MULTIPLE: "Tick any number of options.",
    Question.Type.SCALE: "A number from 1 to 5.",
    Question.Type.TEXT: "A free answer in the person's own words (never used for matching).",
    Question.Type.TAGS: "A comma-separated list of skills; the options become suggestions.",
}

MATCH_MODE_HINTS = {
    Program.MatchMode.ADMIN: "You run matching, review the proposals and approve them.",
    Program.MatchMode.MENTEE_CHOICE: "Each mentee sees their best suggestions and picks one.",
    Program.MatchMode.AUTOMATIC: "Matches are approved as soon as matching runs.",
}


def jsonable(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned data in a form the session (JSON) can keep and a form can be bound with again."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in cleaned.items()}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


# --- The program: wizard steps and settings ------------------------------------------------------


class ProgramKindForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of program?",
        choices=Program.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of program."},
    )

    @property
    def kind_options(self) -> list[tuple[Any, str]]:
        return explained(self["kind"], KIND_DESCRIPTIONS)


class ProgramBasicsForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=160,
        error_messages={"required": "Give the program a name."},
        help_text="What participants see, e.g. “Spring 2026 mentoring”.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the program exists and what it asks of people; shown on the enrollment page.",
    )
    starts_on = forms.DateField(label="Starts on", required=False, widget=DateInput())
    ends_on = forms.DateField(label="Ends on", required=False, widget=DateInput())
    cadence_per_month = forms.IntegerField(
        label="Sessions per month",
        min_value=1,
        max_value=30,
        help_text="How often pairs or circles are expected to meet.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return cleaned


def _choices(values: list[Any], keep: list[Any]) -> list[tuple[str, str]]:
    """The roster's values plus any already chosen that left the roster, so a saved choice never vanishes."""
    merged: dict[str, None] = dict.fromkeys(str(v) for v in [*values, *keep] if v not in ("", None))
    return [(v, v) for v in merged]


def explained(bound_field: forms.BoundField, explanations: Mapping[str, str]) -> list[tuple[Any, str]]:
    """The radio buttons of a field, each with its explanation in plain words (for the templates)."""
    return [(radio, explanations.get(radio.data["value"], "")) for radio in bound_field]


class ProgramMatchingForm(forms.Form):
    default_mentor_capacity = forms.IntegerField(label="Mentees per mentor (default)", min_value=1, max_value=50)
    max_mentor_capacity = forms.IntegerField(
        label="Mentees per mentor (most)",
        min_value=1,
        max_value=50,
        help_text="Mentors choose their own capacity up to this number.",
    )
    circle_min_size = forms.IntegerField(label="Smallest circle", min_value=2, max_value=50)
    circle_max_size = forms.IntegerField(label="Largest circle", min_value=2, max_value=50)
    eligible_departments = forms.MultipleChoiceField(
        label="Departments", required=False, widget=forms.CheckboxSelectMultiple
    )
    eligible_job_levels = forms.TypedMultipleChoiceField(
        label="Job levels", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    eligible_locations = forms.MultipleChoiceField(
        label="Locations", required=False, widget=forms.CheckboxSelectMultiple
    )
    max_time_zone_gap_hours = forms.IntegerField(
        label="Largest time-zone gap (hours)",
        required=False,
        min_value=0,
        max_value=26,
        help_text="Pairs further apart than this are never matched. Leave empty for no limit.",
    )
    match_mode = forms.ChoiceField(
        label="How matches are made", choices=Program.MatchMode.choices, widget=forms.RadioSelect
    )
    objective = forms.ChoiceField(
        label="What matching aims for",
        choices=Program.Objective.choices,
        widget=forms.RadioSelect,
        help_text="“Most people matched” helps when mentors are scarce; “best total fit” otherwise.",
    )

    def __init__(self, *args: Any, kind: str, roster: Mapping[str, list], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

        def chosen(name: str) -> list:
            # Saved values only (never the submitted ones), so a post cannot invent a department.
            value = self.initial.get(name)
            return list(value) if isinstance(value, list | tuple) else [value] if value else []

        for name, key in (
            ("eligible_departments", "departments"),
            ("eligible_job_levels", "job_levels"),
            ("eligible_locations", "locations"),
        ):
            self.fields[name].choices = _choices(list(roster.get(key, [])), chosen(name))
        # Eligibility and matching fields are described in words the admin uses for this kind.
        everyone = "Leave all unticked to let everyone take part."
        self.fields["eligible_departments"].help_text = everyone
        self.fields["eligible_job_levels"].help_text = everyone
        self.fields["eligible_locations"].help_text = everyone
        if kind == Program.Kind.GROUP:
            self.fields["default_mentor_capacity"].label = "Members per facilitator (default)"
            self.fields["max_mentor_capacity"].label = "Members per facilitator (most)"
            self.fields["max_mentor_capacity"].help_text = "Facilitators choose their own number up to this."
        else:
            del self.fields["circle_min_size"]
            del self.fields["circle_max_size"]
        if kind == Program.Kind.REVERSE:
            self.fields[
                "max_mentor_capacity"
            ].help_text = "Reverse mentors are junior colleagues with a day job: one or two mentees is plenty."

    @property
    def match_mode_options(self) -> list[tuple[Any, str]]:
        return explained(self["match_mode"], MATCH_MODE_HINTS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        default, most = cleaned.get("default_mentor_capacity"), cleaned.get("max_mentor_capacity")
        if default and most and default > most:
            self.add_error("default_mentor_capacity", "The default cannot be more than the most a mentor may take.")
        smallest, largest = cleaned.get("circle_min_size"), cleaned.get("circle_max_size")
        if smallest and largest and smallest > largest:
            self.add_error("circle_max_size", "The largest circle cannot be smaller than the smallest.")
        return cleaned


class ProgramSettingsForm(ProgramBasicsForm, ProgramMatchingForm):
    """The settings page: everything the wizard asked, on one page. The kind changes only in a draft."""

    kind = forms.ChoiceField(label="Kind", choices=Program.Kind.choices)
    field_order = ["kind", "name", "description", "starts_on", "ends_on", "cadence_per_month"]

    def __init__(self, *args: Any, program: Program, roster: Mapping[str, list], **kwargs: Any) -> None:
        kwargs.setdefault("initial", program_initial(program))
        super().__init__(*args, kind=program.kind, roster=roster, **kwargs)
        if program.status != Program.Status.DRAFT:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "The kind can only change while the program is a draft."


def program_initial(program: Program) -> dict[str, Any]:
    from .services import PROGRAM_FIELDS

    return {field: getattr(program, field) for field in PROGRAM_FIELDS}


# --- Questions -----------------------------------------------------------------------------------


class QuestionForm(forms.Form):
    prompt = forms.CharField(
        label="Question",
        max_length=300,
        error_messages={"required": "Write the question."},
        help_text="As mentees (and mentors, unless you give a mentor version below) will read it.",
    )
    mentor_prompt = forms.CharField(
        label="Question for mentors (optional)",
        max_length=300,
        required=False,
        help_text="Asked of mentors instead, e.g. “Skills you can offer” for “Skills you want to learn”.",
    )
    help_text = forms.CharField(label="Hint under the question (optional)", max_length=300, required=False)
    type = forms.ChoiceField(label="Answer type", choices=Question.Type.choices)
    options = forms.CharField(
        label="Options, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Needed for single and multiple choice; suggestions for skills/tags; ignored otherwise.",
    )
    audience = forms.ChoiceField(label="Asked of", choices=Question.Audience.choices, widget=forms.RadioSelect)
    required = forms.BooleanField(label="An answer is required", required=False)
    rule = forms.ChoiceField(
        label="How matching uses the answers", choices=Question.Rule.choices, widget=forms.RadioSelect
    )
    weight = forms.TypedChoiceField(
        label="Weight",
        coerce=int,
        choices=[(str(n), str(n)) for n in range(6)],
        initial="3",
        help_text="How much this counts next to other questions: 1 a little, 5 a lot. Not used by "
        "“Must match” and “Not used for matching”.",
    )

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "prompt": question.prompt,
                    "mentor_prompt": question.mentor_prompt,
                    "help_text": question.help_text,
                    "type": question.type,
                    "options": "\n".join(question.options or []),
                    "audience": question.audience,
                    "required": question.required,
                    "rule": question.rule,
                    "weight": str(question.weight),
                },
            )
        else:
            kwargs.setdefault("initial", {"audience": Question.Audience.BOTH, "rule": Question.Rule.NONE})
        super().__init__(*args, **kwargs)

    @property
    def rule_options(self) -> list[tuple[Any, str]]:
        return explained(self["rule"], RULE_EXPLANATIONS)

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]
        return [line for line in lines if line]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("type")
        options = cleaned.get("options") or []
        if kind in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            if len(options) < 2:
                self.add_error("options", "A choice question needs at least two options, one per line.")
            elif len(set(options)) != len(options):
                self.add_error("options", "Each option must be different.")
        elif kind in (Question.Type.SCALE, Question.Type.TEXT):
            cleaned["options"] = []
        rule = cleaned.get("rule")
        if rule in (Question.Rule.NONE, Question.Rule.MUST):
            cleaned["weight"] = 0
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# --- Participants ----------------------------------------------------------------------------------

EMAIL_RE = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+")
MAX_CSV_BYTES = 2 * 1024 * 1024


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        label="Invite as", choices=Participant.Role.choices, widget=forms.RadioSelect, initial=Participant.Role.MENTEE
    )
    departments = forms.MultipleChoiceField(label="Departments", required=False, widget=forms.CheckboxSelectMultiple)
    job_levels = forms.TypedMultipleChoiceField(
        label="Job levels", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    emails = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, or separated by commas.",
    )
    emails_file = forms.FileField(
        label="Or a CSV file of email addresses",
        required=False,
        help_text="Any CSV with the addresses in one column (for example the roster export).",
    )

    def __init__(self, *args: Any, roster: Mapping[str, list], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = _choices(list(roster.get("departments", [])), [])
        self.fields["job_levels"].choices = _choices(list(roster.get("job_levels", [])), [])

    def clean_emails_file(self) -> list[str]:
        upload = self.cleaned_data.get("emails_file")
        if not upload:
            return []
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError("The file is larger than 2 MB; split it or paste the addresses.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.") from None
        found: list[str] = []
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                found += EMAIL_RE.findall(cell)
        if not found:
            raise ValidationError("No email addresses found in the file.")
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        pasted = EMAIL_RE.findall(cleaned.get("emails") or "")
        cleaned["all_emails"] = list(dict.fromkeys(e.lower() for e in [*pasted, *(cleaned.get("emails_file") or [])]))
        if (cleaned.get("emails") or "").strip() and not pasted:
            self.add_error("emails", "No email addresses found in this text.")
        if not (cleaned.get("departments") or cleaned.get("job_levels") or cleaned["all_emails"]) and not self.errors:
            raise ValidationError("Choose a department, a job level, or give email addresses.")
        return cleaned
