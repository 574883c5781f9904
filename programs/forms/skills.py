"""The skills catalogue's forms (add / edit one skill, upload a CSV) and a mentee's self-ratings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Skill
from ..skills import LEVEL_LABELS

LEVEL_CHOICES = [(str(n), LEVEL_LABELS.get(n, str(n))) for n in range(1, 6)]


class SkillForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Skill"), max_length=80, error_messages={"required": gettext_lazy("Give the skill a name.")}
    )
    category = forms.CharField(
        label=gettext_lazy("Category (optional)"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Groups skills on forms and the map."),
    )
    description = forms.CharField(label=gettext_lazy("What it covers (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, skill: Skill | None = None, prefix_ids: str = "", **kwargs: Any) -> None:
        if skill is not None:
            kwargs.setdefault(
                "initial", {"name": skill.name, "category": skill.category, "description": skill.description}
            )
        if prefix_ids:
            kwargs.setdefault("auto_id", f"{prefix_ids}-%s")
        super().__init__(*args, **kwargs)


class SkillImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns name, category, description (a header row first; only name is required). Skills "
            "already in the catalogue get the file's category and description."
        ),
        error_messages={"required": gettext_lazy("Choose a CSV file to upload.")},
    )


class SkillRatingsForm(forms.Form):
    """One 1-5 choice per skill the mentee wants: fields `skill_<id>`."""

    def __init__(self, *args: Any, skills: list[Skill], levels: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skills = skills
        for skill in skills:
            name = f"skill_{skill.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("Your level in %(skill)s") % {"skill": skill.name},
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                help_text=skill.description,
            )
            if skill.pk in levels:
                self.initial[name] = str(levels[skill.pk])

    def levels(self) -> dict[int, int | None]:
        return {skill.pk: self.cleaned_data.get(f"skill_{skill.pk}") or None for skill in self.skills}
