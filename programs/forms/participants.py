"""The HR admin's bulk invitation of participants: by department, job level, or a list of email addresses
(pasted or a CSV file)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Participant
from .common import roster_choices

EMAIL_RE = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+")
MAX_CSV_BYTES = 2 * 1024 * 1024


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Invite as"),
        choices=Participant.Role.choices,
        widget=forms.RadioSelect,
        initial=Participant.Role.MENTEE,
    )
    departments = forms.MultipleChoiceField(
        label=gettext_lazy("Departments"), required=False, widget=forms.CheckboxSelectMultiple
    )
    job_levels = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Job levels"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    emails = forms.CharField(
        label=gettext_lazy("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One per line, or separated by commas."),
    )
    emails_file = forms.FileField(
        label=gettext_lazy("Or a CSV file of email addresses"),
        required=False,
        help_text=gettext_lazy("Any CSV with the addresses in one column (for example the roster export)."),
    )

    def __init__(self, *args: Any, roster: Mapping[str, list], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["departments"]).choices = roster_choices(
            list(roster.get("departments", [])), []
        )
        cast(forms.ChoiceField, self.fields["job_levels"]).choices = roster_choices(
            list(roster.get("job_levels", [])), []
        )

    def clean_emails_file(self) -> list[str]:
        upload = self.cleaned_data.get("emails_file")
        if not upload:
            return []
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 2 MB; split it or paste the addresses."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")) from None
        found: list[str] = []
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                found += EMAIL_RE.findall(cell)
        if not found:
            raise ValidationError(_("No email addresses found in the file."))
        return found

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        pasted = EMAIL_RE.findall(cleaned.get("emails") or "")
        cleaned["all_emails"] = list(dict.fromkeys(e.lower() for e in [*pasted, *(cleaned.get("emails_file") or [])]))
        if (cleaned.get("emails") or "").strip() and not pasted:
            self.add_error("emails", _("No email addresses found in this text."))
        if not (cleaned.get("departments") or cleaned.get("job_levels") or cleaned["all_emails"]) and not self.errors:
            raise ValidationError(_("Choose a department, a job level, or give email addresses."))
        return cleaned
