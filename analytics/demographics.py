"""The attributes people may choose to share about themselves (opt-in, changeable, removable), for the
impact report's "who takes part" table: participation by group against the organization's make-up.

Nobody has to answer; not answering is not a value. Answers are shown only in aggregate and under the
small-group rule, never per person (HR admins included)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy, gettext_noop

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Attribute:
    code: str
    label: StrOrPromise
    question: StrOrPromise
    values: tuple[str, ...]  # stored as they are (English): shown through gettext (value_label)


ATTRIBUTES = (
    Attribute(
        "gender",
        gettext_lazy("Gender"),
        gettext_lazy("How do you describe your gender?"),
        (gettext_noop("Woman"), gettext_noop("Man"), gettext_noop("Non-binary"), gettext_noop("In another way")),
    ),
    Attribute(
        "age_band",
        gettext_lazy("Age"),
        gettext_lazy("How old are you?"),
        (
            gettext_noop("Under 25"),
            gettext_noop("25 to 34"),
            gettext_noop("35 to 44"),
            gettext_noop("45 to 54"),
            gettext_noop("55 or over"),
        ),
    ),
    Attribute(
        "disability",
        gettext_lazy("Disability"),
        gettext_lazy("Do you consider yourself to have a disability or long-term condition?"),
        (gettext_noop("Yes"), gettext_noop("No")),
    ),
    Attribute(
        "caregiver",
        gettext_lazy("Caring responsibilities"),
        gettext_lazy("Do you care for a child or an adult who depends on you?"),
        (gettext_noop("Yes"), gettext_noop("No")),
    ),
    Attribute(
        "first_generation",
        gettext_lazy("First in family at university"),
        gettext_lazy("Were you among the first in your family to go to university?"),
        (gettext_noop("Yes"), gettext_noop("No"), gettext_noop("I did not go to university")),
    ),
)
BY_CODE = {attribute.code: attribute for attribute in ATTRIBUTES}


def value_label(value: str) -> str:
    """An answer as the reader reads it (the stored value is the English one)."""
    return gettext(value) if value else value
