"""The standard survey questions. The check-in asks how it is going every 30 days of a match; the closing
survey asks the impact questions buyers of mentoring programs quote ("91% report a significant competency
improvement", "more likely to stay"): here they are measured on the organization's own people. HR admins
may add questions of their own after these; the standard ones cannot be removed (the report reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    pass

CHECKIN = "checkin"
CLOSING = "closing"
# Answers of 4 or 5 on an "agree" question count as agreeing.
AGREE_FROM = 4


@dataclass(frozen=True)
class StandardQuestion:
    code: str
    prompt: str  # stored as it is (English) in each survey: shown through gettext (SurveyQuestion.shown_prompt)
    type: str  # SurveyQuestion.Type value
    required: bool = True
    report_label: str = ""  # marked for translation, translated where shown  # how the impact report names the outcome


STANDARD = {
    CHECKIN: [
        StandardQuestion("going_well", gettext_noop("How is your mentoring going?"), "scale"),
        StandardQuestion(
            "checkin_comment", gettext_noop("Anything you would like to add? (optional)"), "text", required=False
        ),
    ],
    CLOSING: [
        StandardQuestion(
            "competency",
            gettext_noop("My competencies improved through this mentoring."),
            "agree",
            report_label=gettext_noop("Competencies improved"),
        ),
        StandardQuestion(
            "relationship",
            gettext_noop("I built a positive relationship through this mentoring."),
            "agree",
            report_label=gettext_noop("Built a positive relationship"),
        ),
        StandardQuestion(
            "confidence",
            gettext_noop("I feel more confident."),
            "agree",
            report_label=gettext_noop("Feel more confident"),
        ),
        StandardQuestion(
            "stay",
            gettext_noop("Taking part makes me more likely to stay with the organization."),
            "agree",
            report_label=gettext_noop("More likely to stay"),
        ),
        StandardQuestion(
            "recommend",
            gettext_noop("How likely are you to recommend this program to a colleague?"),
            "nps",
            report_label=gettext_noop("Would recommend (NPS)"),
        ),
        StandardQuestion(
            "closing_comment", gettext_noop("What would you tell the program team? (optional)"), "text", required=False
        ),
    ],
}
CHECKIN_SCORE = "going_well"
IMPACT_CODES = ["competency", "relationship", "confidence", "stay"]
