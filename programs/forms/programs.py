"""Forms of the HR admin's program pages: the program wizard's steps and the settings page. They parse and
explain input; the rules live in services (whose ValidationErrors are put back on these forms with
mentorhub.web.errors.form_add_service_error)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.web.forms import DateInput

from ..agreements import MAX_SECTION_LENGTH, template_sections
from ..agreements import SECTIONS as AGREEMENT_SECTIONS
from ..models import Program
from ..services.programs import AUDIENCE_KEY, PROGRAM_FIELDS, audience_group_ids
from .common import explained, roster_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KIND_DESCRIPTIONS: dict[str, StrOrPromise] = {
    Program.Kind.ONE_ON_ONE: (
        gettext_lazy(
            "A mentor and a mentee meet regularly, one to one. Mentors are usually more senior; each can take a "
            "few mentees. The classic choice for career growth and skills."
        )
    ),
    Program.Kind.GROUP: (
        gettext_lazy(
            "Small circles of peers meet with a facilitator (the mentor). Good for reaching many people at once, "
            "for topics such as leadership or inclusion, and when mentors are scarce."
        )
    ),
    Program.Kind.REVERSE: (
        gettext_lazy(
            "A more junior employee mentors a more senior one, e.g. on AI tools, social media or how new "
            "colleagues work. Matching puts the mentor at a lower job level than the mentee."
        )
    ),
    Program.Kind.FLASH: (
        gettext_lazy(
            "Mentors publish office hours; enrolled members book a one-off session on a topic, without a "
            "long-term match. No matching runs: good for quick advice and for reaching busy mentors."
        )
    ),
}

MATCH_MODE_HINTS: dict[str, StrOrPromise] = {
    Program.MatchMode.ADMIN: gettext_lazy("You run matching, review the proposals and approve them."),
    Program.MatchMode.MENTEE_CHOICE: gettext_lazy("Each mentee sees their best suggestions and picks one."),
    Program.MatchMode.AUTOMATIC: gettext_lazy("Matches are approved as soon as matching runs."),
}


class ProgramKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What kind of program?"),
        choices=Program.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the kind of program.")},
    )

    @property
    def kind_options(self) -> list[tuple[Any, StrOrPromise]]:
        return explained(self["kind"], KIND_DESCRIPTIONS)


class ProgramBasicsForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=160,
        error_messages={"required": gettext_lazy("Give the program a name.")},
        help_text=gettext_lazy("What participants see, e.g. “Spring 2026 mentoring”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why the program exists and what it asks of people; shown on the enrollment page."),
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), required=False, widget=DateInput())
    cadence_per_month = forms.IntegerField(
        label=gettext_lazy("Sessions per month"),
        min_value=1,
        max_value=30,
        help_text=gettext_lazy("How often pairs or circles are expected to meet."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return cleaned


class ProgramMatchingForm(forms.Form):
    default_mentor_capacity = forms.IntegerField(
        label=gettext_lazy("Mentees per mentor (default)"), min_value=1, max_value=50
    )
    max_mentor_capacity = forms.IntegerField(
        label=gettext_lazy("Mentees per mentor (most)"),
        min_value=1,
        max_value=50,
        help_text=gettext_lazy("Mentors choose their own capacity up to this number."),
    )
    circle_min_size = forms.IntegerField(label=gettext_lazy("Smallest circle"), min_value=2, max_value=50)
    circle_max_size = forms.IntegerField(label=gettext_lazy("Largest circle"), min_value=2, max_value=50)
    eligible_departments = forms.MultipleChoiceField(
        label=gettext_lazy("Departments"), required=False, widget=forms.CheckboxSelectMultiple
    )
    eligible_job_levels = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Job levels"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    eligible_locations = forms.MultipleChoiceField(
        label=gettext_lazy("Locations"), required=False, widget=forms.CheckboxSelectMultiple
    )
    max_time_zone_gap_hours = forms.IntegerField(
        label=gettext_lazy("Largest time-zone gap (hours)"),
        required=False,
        min_value=0,
        max_value=26,
        help_text=gettext_lazy("Pairs further apart than this are never matched. Leave empty for no limit."),
    )
    match_mode = forms.ChoiceField(
        label=gettext_lazy("How matches are made"), choices=Program.MatchMode.choices, widget=forms.RadioSelect
    )
    objective = forms.ChoiceField(
        label=gettext_lazy("What matching aims for"),
        choices=Program.Objective.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("“Most people matched” helps when mentors are scarce; “best total fit” otherwise."),
    )

    def __init__(self, *args: Any, kind: str, roster: Mapping[str, list], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program_kind = kind

        def chosen(name: str) -> list:
            # Saved values only (never the submitted ones), so a post cannot invent a department.
            value = self.initial.get(name)
            return list(value) if isinstance(value, list | tuple) else [value] if value else []

        for name, key in (
            ("eligible_departments", "departments"),
            ("eligible_job_levels", "job_levels"),
            ("eligible_locations", "locations"),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = roster_choices(list(roster.get(key, [])), chosen(name))
        # Eligibility and matching fields are described in words the admin uses for this kind.
        everyone = _("Leave all unticked to let everyone take part.")
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
    def match_mode_options(self) -> list[tuple[Any, StrOrPromise]]:
        return explained(self["match_mode"], MATCH_MODE_HINTS)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        default, most = cleaned.get("default_mentor_capacity"), cleaned.get("max_mentor_capacity")
        if default and most and default > most:
            self.add_error("default_mentor_capacity", _("The default cannot be more than the most a mentor may take."))
        smallest, largest = cleaned.get("circle_min_size"), cleaned.get("circle_max_size")
        if smallest and largest and smallest > largest:
            self.add_error("circle_max_size", _("The largest circle cannot be smaller than the smallest."))
        return cleaned


class ProgramSettingsForm(ProgramBasicsForm, ProgramMatchingForm):
    """The settings page: everything the wizard asked, on one page, plus the audience by employee groups
    (and, for circles, whether circles are formed within them). The kind changes only in a draft."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Program.Kind.choices)
    audience_group_ids = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Employee groups"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Only members of the ticked groups may take part. Leave all unticked to open it to everyone."
        ),
    )
    circles_within_groups = forms.BooleanField(
        label=gettext_lazy("Form circles within one group"),
        required=False,
        help_text=gettext_lazy("Each circle's facilitator and members all belong to one of the groups ticked above."),
    )
    flash_cancel_hours = forms.IntegerField(
        label=gettext_lazy("Bookings can be cancelled until (hours before the start)"),
        min_value=0,
        max_value=168,
        help_text=gettext_lazy("Flash mentoring: after this, members are asked to tell their host directly."),
    )

    agreement_required = forms.BooleanField(
        label=gettext_lazy("Require a confirmed agreement before the first session"),
        required=False,
        help_text=gettext_lazy(
            "Members schedule their first session only once everyone in the match confirmed the agreement."
        ),
    )
    field_order = ["kind", "name", "description", "starts_on", "ends_on", "cadence_per_month"]

    def __init__(self, *args: Any, program: Program, roster: Mapping[str, list], **kwargs: Any) -> None:
        kwargs.setdefault("initial", program_initial(program))
        super().__init__(*args, kind=program.kind, roster=roster, **kwargs)
        # The agreement template, one text area per section (programs/agreements.py), the defaults filled in.
        texts = template_sections(program.agreement_template)
        for section in AGREEMENT_SECTIONS:
            self.fields[f"agreement_{section.key}"] = forms.CharField(
                label=section.label,
                help_text=section.help_text,
                initial=texts[section.key],
                required=False,  # left empty: the default text
                max_length=MAX_SECTION_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        # The organization's groups (roster["groups"]: [(id, name)]), scoped by the selector that read them.
        cast(forms.ChoiceField, self.fields[AUDIENCE_KEY]).choices = [
            (str(pk), name) for pk, name in roster.get("groups", [])
        ]
        if program.kind != Program.Kind.GROUP:
            del self.fields["circles_within_groups"]
        if program.kind != Program.Kind.FLASH:
            del self.fields["flash_cancel_hours"]
        if program.status != Program.Status.DRAFT:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("The kind can only change while the program is a draft.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The service takes the template as one mapping (programs.services.programs.program_update); a form
        # posted without the agreement's fields leaves the template as it was.
        names = [f"agreement_{section.key}" for section in AGREEMENT_SECTIONS]
        if any(name in self.data for name in names):
            cleaned["agreement_template"] = {
                section.key: cleaned.get(name, "") for section, name in zip(AGREEMENT_SECTIONS, names, strict=True)
            }
        return cleaned

    @property
    def agreement_fields(self) -> list[forms.BoundField]:
        return [self[f"agreement_{section.key}"] for section in AGREEMENT_SECTIONS]


def program_initial(program: Program) -> dict[str, Any]:
    initial = {field: getattr(program, field) for field in PROGRAM_FIELDS}
    initial[AUDIENCE_KEY] = [str(pk) for pk in audience_group_ids(program)]
    return initial
