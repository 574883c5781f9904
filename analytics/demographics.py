"""The attributes people may choose to share about themselves (opt-in, changeable, removable), for the
impact report's "who takes part" table: participation by group against the organization's make-up.

Nobody has to answer; not answering is not a value. Answers are shown only in aggregate and under the
small-group rule, never per person (HR admins included)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str
    question: str
    values: tuple[str, ...]


ATTRIBUTES = (
    Attribute("gender", "Gender", "How do you describe your gender?", ("Woman", "Man", "Non-binary", "In another way")),
    Attribute("age_band", "Age", "How old are you?", ("Under 25", "25 to 34", "35 to 44", "45 to 54", "55 or over")),
    Attribute(
        "disability",
        "Disability",
        "Do you consider yourself to have a disability or long-term condition?",
        ("Yes", "No"),
    ),
    Attribute(
        "caregiver", "Caring responsibilities", "Do you care for a child or an adult who depends on you?", ("Yes", "No")
    ),
    Attribute(
        "first_generation",
        "First in family at university",
        "Were you among the first in your family to go to university?",
        ("Yes", "No", "I did not go to university"),
    ),
)
BY_CODE = {attribute.code: attribute for attribute in ATTRIBUTES}
