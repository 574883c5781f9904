"""The filters of the dashboards, parsed once for the pages, their CSV exports and the API: which program,
department and period program health covers, and which program and role the impact report covers.

The choices are read from the request's organization only, so a program id or a department of another
organization is not a valid choice (it is refused like any unknown value, never looked up elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django import forms

from mentorhub.accounts.models import Organization
from mentorhub.accounts.selectors import departments
from mentorhub.tenancy import scoped
from programs.models import Program

from .health import HealthFilters
from .impact import ROLES, ImpactFilters

ROLE_LABELS = {"all": "Mentors and mentees", "mentee": "Mentees", "mentor": "Mentors"}


def program_choices(organization: Organization) -> list[tuple[str, str]]:
    programs = scoped(Program, organization).exclude(status=Program.Status.DRAFT).order_by("name", "pk")
    return [("", "All programs"), *((str(pk), name) for pk, name in programs.values_list("pk", "name"))]


class _FilterForm(forms.Form):
    """A GET form: unknown keys are ignored, an empty value means "all"."""

    def __init__(self, data: Mapping[str, Any] | None, *, organization: Organization) -> None:
        super().__init__(data if data is not None else {}, auto_id="filter-%s")
        self.organization = organization
        self.fields["program"].choices = program_choices(organization)

    def program_id(self) -> int | None:
        value = self.cleaned_data.get("program") or ""
        return int(value) if value else None

    def program_name(self) -> str:
        return dict(self.fields["program"].choices).get(self.cleaned_data.get("program") or "", "")


class HealthFilterForm(_FilterForm):
    program = forms.ChoiceField(label="Program", required=False)
    department = forms.ChoiceField(label="Department", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data: Mapping[str, Any] | None, *, organization: Organization) -> None:
        super().__init__(data, organization=organization)
        self.fields["department"].choices = [
            ("", "All departments"),
            *((name, name) for name in departments(organization=organization) if name),
        ]

    def clean(self) -> dict[str, Any]:
        """A period is one calendar quarter or one calendar year (or none: all time). Free dates would let two
        overlapping periods be subtracted from each other to single out a few people."""
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if not since and not until:
            return data
        if not (since and until):
            self.add_error("until" if since else "since", "Give both the start and the end of the period.")
        elif not _whole_quarter_or_year(since, until):
            self.add_error(
                "since",
                "Choose one calendar quarter (e.g. 1 Apr to 30 Jun) or one calendar year (1 Jan to 31 Dec): "
                "other periods could be compared with each other to single out a few people.",
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
    program = forms.ChoiceField(label="Program", required=False)
    role = forms.ChoiceField(
        label="Taking part as", required=False, choices=[(role, ROLE_LABELS[role]) for role in ROLES]
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
