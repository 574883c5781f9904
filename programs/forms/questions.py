"""The HR admin's question editor (one question of a program's enrollment form, and how matching uses its
answers). The rules live in services/questions.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Question
from .common import explained

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RULE_EXPLANATIONS: dict[str, StrOrPromise] = {
    Question.Rule.SAME: gettext_lazy(
        "Pairs who give the same answer score higher. Good for meeting format or working hours."
    ),
    Question.Rule.DIFFERENT: gettext_lazy(
        "Pairs who answer differently score higher. Good for mixing backgrounds or departments."
    ),
    Question.Rule.OVERLAP: gettext_lazy(
        "The more choices two people share, the higher they score. Good for goals and topics."
    ),
    Question.Rule.OFFERS_WANTS: (
        gettext_lazy(
            "Compares what a mentor can offer with what a mentee wants. Ask it of both, and give a mentor prompt "
            "such as “Skills you can offer”."
        )
    ),
    Question.Rule.MUST: (
        gettext_lazy(
            "A hard filter: two people who share no answer are never matched (e.g. a common language). The weight "
            "is not used."
        )
    ),
    Question.Rule.NONE: gettext_lazy("Collected for information only; matching ignores it."),
}

TYPE_EXPLANATIONS: dict[str, StrOrPromise] = {
    Question.Type.SINGLE: gettext_lazy("Pick one option from a list."),
    Question.Type.MULTIPLE: gettext_lazy("Tick any number of options."),
    Question.Type.SCALE: gettext_lazy("A number from 1 to 5."),
    Question.Type.TEXT: gettext_lazy("A free answer in the person's own words (never used for matching)."),
    Question.Type.TAGS: gettext_lazy("A comma-separated list of skills; the options become suggestions."),
}


class QuestionForm(forms.Form):
    prompt = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=300,
        error_messages={"required": gettext_lazy("Write the question.")},
        help_text=gettext_lazy("As mentees (and mentors, unless you give a mentor version below) will read it."),
    )
    mentor_prompt = forms.CharField(
        label=gettext_lazy("Question for mentors (optional)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Asked of mentors instead, e.g. “Skills you can offer” for “Skills you want to learn”."),
    )
    help_text = forms.CharField(
        label=gettext_lazy("Hint under the question (optional)"), max_length=300, required=False
    )
    type = forms.ChoiceField(label=gettext_lazy("Answer type"), choices=Question.Type.choices)
    options = forms.CharField(
        label=gettext_lazy("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Needed for single and multiple choice; suggestions for skills/tags; ignored otherwise."
        ),
    )
    option_source = forms.ChoiceField(
        label=gettext_lazy("Where the options come from"),
        choices=Question.OptionSource.choices,
        initial=Question.OptionSource.OWN,
        required=False,  # older clients post no choice: the typed options
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The skills catalogue keeps the options in step with your organization's skills (for "
            "“Multiple choice” or “Skills / tags”)."
        ),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Asked of"), choices=Question.Audience.choices, widget=forms.RadioSelect
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    rule = forms.ChoiceField(
        label=gettext_lazy("How matching uses the answers"), choices=Question.Rule.choices, widget=forms.RadioSelect
    )
    weight = forms.TypedChoiceField(
        label=gettext_lazy("Weight"),
        coerce=int,
        choices=[(str(n), str(n)) for n in range(6)],
        initial="3",
        help_text=gettext_lazy(
            "How much this counts next to other questions: 1 a little, 5 a lot. Not used by "
            "“Must match” and “Not used for matching”."
        ),
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
                    "option_source": question.option_source,
                    "audience": question.audience,
                    "required": question.required,
                    "rule": question.rule,
                    "weight": str(question.weight),
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {
                    "audience": Question.Audience.BOTH,
                    "rule": Question.Rule.NONE,
                    "option_source": Question.OptionSource.OWN,
                },
            )
        super().__init__(*args, **kwargs)

    @property
    def rule_options(self) -> list[tuple[Any, StrOrPromise]]:
        return explained(self["rule"], RULE_EXPLANATIONS)

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]
        return [line for line in lines if line]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("type")
        options = cleaned.get("options") or []
        cleaned["option_source"] = cleaned.get("option_source") or Question.OptionSource.OWN
        if cleaned.get("option_source") == Question.OptionSource.SKILLS:
            if kind not in (Question.Type.MULTIPLE, Question.Type.TAGS):
                self.add_error(
                    "option_source", _("Options from the skills catalogue need “Multiple choice” or “Skills / tags”.")
                )
            cleaned["options"] = []  # the service fills them from the catalogue
        elif kind in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            if len(options) < 2:
                self.add_error("options", _("A choice question needs at least two options, one per line."))
            elif len(set(options)) != len(options):
                self.add_error("options", _("Each option must be different."))
        elif kind in (Question.Type.SCALE, Question.Type.TEXT):
            cleaned["options"] = []
        rule = cleaned.get("rule")
        if rule in (Question.Rule.NONE, Question.Rule.MUST):
            cleaned["weight"] = 0
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
