from django.template.loader import render_to_string

from programs.forms.enrollment import EnrollmentForm, field_name
from programs.models import Question

from .factories import ProgramFactory, QuestionFactory


def _questions(org):
    program = ProgramFactory(organization=org, max_mentor_capacity=3)
    skills = QuestionFactory(
        program=program,
        prompt="Skills to learn?",
        mentor_prompt="Skills to offer?",
        type="tags",
        options=["Python"],
        rule="offers_wants",
        weight=5,
        required=True,
    )
    scale = QuestionFactory(
        program=program, prompt="Confidence?", type="scale", options=[], rule="none", weight=0, audience="mentee"
    )
    return program, skills, scale


def test_mentee_form_collects_clean_answers(org):
    program, skills, scale = _questions(org)
    form = EnrollmentForm(
        {field_name(skills): "Python, SQL", field_name(scale): "4"},
        program=program,
        questions=Question.objects.filter(program=program),
        role="mentee",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_answers == {str(skills.pk): ["Python", "SQL"], str(scale.pk): 4}
    assert "capacity" not in form.fields


def test_mentor_sees_mentor_prompt_and_capacity_and_required_error(org):
    program, skills, scale = _questions(org)
    form = EnrollmentForm(
        {"capacity": "2"}, program=program, questions=Question.objects.filter(program=program), role="mentor"
    )
    assert not form.is_valid()
    assert "“Skills to offer?” is required." in form.errors[field_name(skills)]
    assert field_name(scale) not in form.fields  # asked of mentees only
    html = render_to_string("programs/_enrollment_fields.html", {"form": form})
    assert "Skills to offer?" in html and "(required)" in html and "How many mentees" in html
