"""Forms of the matching pages. They parse input; the rules live in the services, whose ValidationErrors
the views put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import Program, Question

# Questions whose answers feed the score with a weight ("must" filters and "none" have no weight to tune).
WEIGHTED_RULES = (Question.Rule.SAME, Question.Rule.DIFFERENT, Question.Rule.OVERLAP, Question.Rule.OFFERS_WANTS)
MAX_WEIGHT = 5
REASON_MAX_LENGTH = 1000


def weighted_questions(questions: list[Question]) -> list[Question]:
    return [q for q in questions if q.rule in WEIGHTED_RULES]


class RunStartForm(forms.Form):
    """Start a matching run: the objective, what-if or not, and a weight per scoring question (0-5)."""

    objective = forms.ChoiceField(
        label=gettext_lazy("Aim for"),
        choices=Program.Objective.choices,
        help_text=gettext_lazy(
            "“Most people matched” matches as many mentees as possible first, then looks for the best fit."
        ),
    )
    what_if = forms.BooleanField(
        label=gettext_lazy("What-if only: compute the figures without replacing the current proposals"),
        required=False,
        help_text=gettext_lazy("Use it to compare weightings side by side before you choose one."),
    )

    def __init__(self, *args: Any, program: Program, questions: list[Question], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"objective": program.objective})
        super().__init__(*args, **kwargs)
        self.questions = weighted_questions(questions)
        for question in self.questions:
            self.fields[self.weight_field(question)] = forms.IntegerField(
                label=question.prompt,
                required=False,  # empty: the enrollment form's weight
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=question.weight,
                help_text=_("%(rule)s. Enrollment form weight: %(weight)s.")
                % {"rule": question.get_rule_display(), "weight": question.weight},
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_WEIGHT, "step": 1, "class": "weight"}),
            )

    @staticmethod
    def weight_field(question: Question) -> str:
        return f"weight_{question.pk}"

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[self.weight_field(q)] for q in self.questions]

    def weights(self) -> dict[str, int]:
        """Only the weights that differ from the enrollment form's: the run records what was changed."""
        changed: dict[str, int] = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.weight_field(question))
            if value is not None and value != question.weight:
                changed[str(question.pk)] = value
        return changed


class DeclineForm(forms.Form):
    """Declining (a match or a mentee's request) always says why: it helps the re-match and the admin."""

    reason = forms.CharField(
        label=gettext_lazy("Why are you declining?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shared with the program's HR admins, not with the other person. For example: a conflict of "
            "interest, we already work together closely, no time this quarter."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say briefly why you are declining."))
        return reason
