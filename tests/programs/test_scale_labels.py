"""Every 1-5 question says what its ends mean (issue 14, part 8): enrollment scales, check-in and closing
surveys, session ratings; each radio sits in a fieldset whose legend is the question, the number and its word
in the radio's own label. And a circle's facilitator is asked about their circle, not about mentees."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from analytics.forms import SurveyAnswerForm
from analytics.models import SurveyQuestion
from programs.forms.enrollment import EnrollmentForm, field_name
from programs.models import Program, Question
from sessions.forms import FeedbackForm

from .factories import ProgramFactory, QuestionFactory


def _radio_labels(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip()
        for label in re.findall(r"<label for=\"[^\"]+_\d\">(.*?)</label>", html, re.S)
    ]


def test_an_enrollment_scale_has_both_end_labels_in_a_fieldset(org):
    program = ProgramFactory(organization=org)
    scale = QuestionFactory(
        program=program, prompt="How confident are you presenting?", type="scale", options=[], rule="none", weight=0
    )
    form = EnrollmentForm(program=program, questions=Question.objects.filter(program=program), role="mentee")
    html = render_to_string("programs/_enrollment_fields.html", {"form": form})
    assert re.search(r"<fieldset[^>]*>\s*<legend>How confident are you presenting\?", html)
    labels = _radio_labels(html)
    assert labels[0].startswith("1") and "not at all" in labels[0]
    assert labels[-1].startswith("5") and "very much" in labels[-1]
    assert len(labels) == 5
    assert "1 = not at all, 5 = very much." in html
    assert f'id="id_{field_name(scale)}_helptext"' in html  # the hint the fieldset is described by


def test_survey_scales_say_what_both_ends_mean(org):
    questions = [
        SurveyQuestion(pk=1, prompt="How is your match going?", type=SurveyQuestion.Type.SCALE, required=True),
        SurveyQuestion(pk=2, prompt="I grew in my role", type=SurveyQuestion.Type.AGREE, required=True),
    ]
    form = SurveyAnswerForm(questions)
    html = "".join(render_to_string("analytics/surveys/_question.html", {"field": field}) for field in form)
    assert "1 = poor, 5 = great." in html and "1 = strongly disagree, 5 = strongly agree." in html
    assert html.count("<fieldset") == 2 and "<legend>How is your match going?" in html
    assert "Poor" in html and "Great" in html and "Strongly disagree" in html


def test_a_session_rating_says_what_both_ends_mean():
    form = FeedbackForm()
    html = render_to_string("web/_field.html", {"field": form["rating"]})
    assert "1 = poor, 5 = excellent." in html
    assert re.search(r"<fieldset[^>]*>\s*<legend>How was it for you\?", html)
    assert "1, poor" in html and "5, excellent" in html


def test_a_circle_facilitator_is_asked_about_their_circle(org):
    circle = ProgramFactory(organization=org, kind=Program.Kind.GROUP, max_mentor_capacity=8)
    pairs = ProgramFactory(organization=org, kind=Program.Kind.ONE_ON_ONE, max_mentor_capacity=3)
    for_circle = EnrollmentForm(program=circle, questions=[], role="mentor")
    for_pairs = EnrollmentForm(program=pairs, questions=[], role="mentor")
    assert for_circle.fields["capacity"].label == "How many people can your circle take?"
    assert "mentee" not in str(for_circle.fields["capacity"].help_text)
    assert for_pairs.fields["capacity"].label == "How many mentees can you take on?"
