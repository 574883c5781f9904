"""Forms of the Groups pages (admins): a group's name and description, and adding people to it."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_IDS = 500


class GroupForm(forms.Form):
    """A group's name and description (name clashes are the service's rule: case-insensitive)."""

    display_name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the group a name.")},
        help_text=gettext_lazy("For example “Women in Leadership” or “Veterans Network”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the group is for; shown to admins on the group's page."),
    )


class GroupMembersAddForm(forms.Form):
    """People to add: ticked in the search results (roster entries by pk) and/or employee ids typed in."""

    employee = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    employee_ids = forms.CharField(
        label=gettext_lazy("Employee ids"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Roster employee ids, separated by commas, spaces or new lines."),
    )

    def __init__(self, *args: Any, candidate_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choices are whatever was posted: the service checks each one is on this organization's roster.
        posted = self.data.getlist("employee") if hasattr(self.data, "getlist") else []
        ids = candidate_ids if candidate_ids is not None else [v for v in posted if str(v).isdigit()]
        self.fields["employee"].choices = [(str(pk), str(pk)) for pk in ids]  # type: ignore[attr-defined]

    def clean_employee_ids(self) -> list[str]:
        values = [v for v in re.split(r"[\s,;]+", self.cleaned_data.get("employee_ids", "")) if v]
        if len(values) > MAX_IDS:
            raise forms.ValidationError(_("Give at most %(count)s employee ids at a time.") % {"count": MAX_IDS})
        return values

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("employee") and not cleaned.get("employee_ids"):
            raise forms.ValidationError(_("Tick people in the search results or give their employee ids."))
        return cleaned
