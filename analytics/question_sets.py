"""The standard survey questions. The check-in asks how it is going every 30 days of a match; the closing
survey asks the impact questions buyers of mentoring programs quote ("91% report a significant competency
improvement", "more likely to stay"): here they are measured on the organization's own people. HR admins
may add questions of their own after these; the standard ones cannot be removed (the report reads them)."""

from __future__ import annotations

from dataclasses import dataclass

CHECKIN = "checkin"
CLOSING = "closing"
# Answers of 4 or 5 on an "agree" question count as agreeing.
AGREE_FROM = 4


@dataclass(frozen=True)
class StandardQuestion:
    code: str
    prompt: str
    type: str  # SurveyQuestion.Type value
    required: bool = True
    report_label: str = ""  # how the impact report names the outcome


STANDARD = {
    CHECKIN: [
        StandardQuestion("going_well", "How is your mentoring going?", "scale"),
        StandardQuestion("checkin_comment", "Anything you would like to add? (optional)", "text", required=False),
    ],
    CLOSING: [
        StandardQuestion(
            "competency",
            "My competencies improved through this mentoring.",
            "agree",
            report_label="Competencies improved",
        ),
        StandardQuestion(
            "relationship",
            "I built a positive relationship through this mentoring.",
            "agree",
            report_label="Built a positive relationship",
        ),
        StandardQuestion("confidence", "I feel more confident.", "agree", report_label="Feel more confident"),
        StandardQuestion(
            "stay",
            "Taking part makes me more likely to stay with the organization.",
            "agree",
            report_label="More likely to stay",
        ),
        StandardQuestion(
            "recommend",
            "How likely are you to recommend this program to a colleague?",
            "nps",
            report_label="Would recommend (NPS)",
        ),
        StandardQuestion("closing_comment", "What would you tell the program team? (optional)", "text", required=False),
    ],
}
CHECKIN_SCORE = "going_well"
IMPACT_CODES = ["competency", "relationship", "confidence", "stay"]
