"""The enrollment form builder for HR admins: list, add, edit, delete, move, preview, lock."""

from __future__ import annotations

import pytest

from programs.models import Program, Question
from programs.services.programs import program_create
from tests.helpers import org_url, page_text

from .factories import QuestionFactory


def _create(org, admin, **data) -> Program:
    return program_create(organization=org, actor=admin.user, data={"name": "Grow", **data})


QUESTION = {
    "prompt": "Which team are you in?",
    "mentor_prompt": "",
    "help_text": "",
    "type": "single_choice",
    "options": "Platform\nMobile\n\n  Data  \n",
    "audience": "both",
    "rule": "different",
    "weight": "3",
}


class TestList:
    def test_lists_questions_in_order_with_their_matching_and_a_preview(self, admin_client, org, admin):
        program = _create(org, admin)
        response = admin_client.get(org_url("program-questions", program.organization, program_pk=program.pk))
        html = page_text(response)
        prompts = [q.prompt for q in response.context["questions"]]
        assert prompts == list(program.questions.order_by("position").values_list("prompt", flat=True))
        assert html.index("Which skills do you want to learn?") < html.index("Preferred meeting format")
        assert "Mentor offers what the mentee wants, weight 5" in html
        assert "Must match (hard filter)" in html
        # Preview: the mentor sees the mentor prompt and the capacity question, the mentee does not.
        assert "As a mentee" in html and "Which skills can you offer?" in html and "How many mentees" in html
        assert "Add a question" in html

    def test_empty_form_explains_what_to_do(self, admin_client, org, admin):
        program = _create(org, admin)
        program.questions.all().delete()
        html = page_text(admin_client.get(org_url("program-questions", program.organization, program_pk=program.pk)))
        assert "No questions yet" in html and "before opening enrollment" in html

    def test_warns_when_people_already_answered(self, admin_client, org, admin):
        from .factories import ParticipantFactory

        program = _create(org, admin)
        Program.objects.filter(pk=program.pk).update(status="enrolling")
        ParticipantFactory.create_batch(2, program=program)
        assert "2 people have already enrolled" in page_text(
            admin_client.get(org_url("program-questions", program.organization, program_pk=program.pk))
        )


class TestEditor:
    def test_add_a_question(self, admin_client, org, admin):
        program = _create(org, admin)
        count = program.questions.count()
        response = admin_client.post(org_url("question-create", program.organization, program_pk=program.pk), QUESTION)
        assert response.status_code == 302
        question = program.questions.get(prompt="Which team are you in?")
        assert question.options == ["Platform", "Mobile", "Data"]
        assert (question.rule, question.weight, question.position) == ("different", 3, count)

    def test_editor_explains_each_rule(self, admin_client, org, admin):
        program = _create(org, admin)
        html = page_text(admin_client.get(org_url("question-create", program.organization, program_pk=program.pk)))
        assert "A hard filter: two people who share no answer are never matched" in html
        assert "Compares what a mentor can offer with what a mentee wants" in html
        assert "Collected for information only" in html

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"prompt": ""}, "Write the question."),
            ({"options": "Only one"}, "A choice question needs at least two options, one per line."),
            ({"options": "Same\nSame"}, "Each option must be different."),
            ({"type": "text", "options": ""}, "Free-text answers cannot be used for matching."),
            ({"rule": "offers_wants", "audience": "mentee"}, "needs the question asked of both"),
            ({"rule": "overlap", "weight": "0"}, "Give a weight from 1 to 5"),
            ({"type": "nonsense"}, "Select a valid choice"),
        ],
    )
    def test_validation_errors_are_shown(self, admin_client, org, admin, changes, message):
        program = _create(org, admin)
        count = program.questions.count()
        response = admin_client.post(
            org_url("question-create", program.organization, program_pk=program.pk), {**QUESTION, **changes}
        )
        assert response.status_code == 400
        assert message in page_text(response)
        assert program.questions.count() == count

    def test_edit_a_question(self, admin_client, org, admin):
        program = _create(org, admin)
        question = program.questions.get(prompt="Preferred meeting format")
        form = admin_client.get(
            org_url("question-edit", program.organization, program_pk=program.pk, question_pk=question.pk)
        ).context["form"]
        assert form["options"].value().splitlines()[0] == "Video call"
        response = admin_client.post(
            org_url("question-edit", program.organization, program_pk=program.pk, question_pk=question.pk),
            {**QUESTION, "prompt": "How do you like to meet?", "options": "Online\nOffice", "rule": "same"},
        )
        assert response.status_code == 302
        question.refresh_from_db()
        assert question.prompt == "How do you like to meet?" and question.options == ["Online", "Office"]

    def test_delete_asks_first(self, admin_client, org, admin):
        program = _create(org, admin)
        question = program.questions.first()
        page = admin_client.get(
            org_url("question-delete", program.organization, program_pk=program.pk, question_pk=question.pk)
        )
        assert f"Delete “{question.prompt}”?" in page_text(page)
        assert Question.objects.filter(pk=question.pk).exists()
        admin_client.post(
            org_url("question-delete", program.organization, program_pk=program.pk, question_pk=question.pk)
        )
        assert not Question.objects.filter(pk=question.pk).exists()

    def test_move_up_and_down(self, admin_client, org, admin):
        program = _create(org, admin)
        first, second = list(program.questions.order_by("position"))[:2]
        response = admin_client.post(
            org_url("question-move", program.organization, program_pk=program.pk, question_pk=second.pk),
            {"direction": "up"},
        )
        assert response.status_code == 302
        assert list(program.questions.order_by("position"))[:2] == [second, first]
        admin_client.post(
            org_url("question-move", program.organization, program_pk=program.pk, question_pk=second.pk),
            {"direction": "down"},
        )
        assert list(program.questions.order_by("position"))[:2] == [first, second]

    def test_move_with_htmx_returns_the_builder(self, admin_client, org, admin):
        program = _create(org, admin)
        second = list(program.questions.order_by("position"))[1]
        response = admin_client.post(
            org_url("question-move", program.organization, program_pk=program.pk, question_pk=second.pk),
            {"direction": "up"},
            headers={"HX-Request": "true"},
        )
        html = page_text(response)
        assert response.status_code == 200
        assert "<html" not in html
        assert f"Moved “{second.prompt}” up." in html
        assert html.index(second.prompt) < html.index("Which skills do you want to learn?")


class TestLocked:
    @pytest.mark.parametrize("status", ["matching", "active", "closed"])
    def test_read_only_past_enrollment(self, admin_client, org, admin, status):
        program = _create(org, admin)
        Program.objects.filter(pk=program.pk).update(status=status)
        question = program.questions.first()
        html = page_text(admin_client.get(org_url("program-questions", program.organization, program_pk=program.pk)))
        assert "The enrollment form is locked" in html
        assert "Add a question" not in html and "Delete" not in html

        count = program.questions.count()
        response = admin_client.post(
            org_url("question-create", program.organization, program_pk=program.pk), QUESTION, follow=True
        )
        assert "The enrollment form is locked" in page_text(response)
        admin_client.post(
            org_url("question-edit", program.organization, program_pk=program.pk, question_pk=question.pk),
            {**QUESTION, "prompt": "Changed"},
        )
        admin_client.post(
            org_url("question-delete", program.organization, program_pk=program.pk, question_pk=question.pk)
        )
        admin_client.post(
            org_url("question-move", program.organization, program_pk=program.pk, question_pk=question.pk),
            {"direction": "down"},
        )
        question.refresh_from_db()
        assert program.questions.count() == count and question.prompt != "Changed" and question.position == 0


def test_question_of_another_organization_is_404(admin_client, org, admin, other_org):
    program = _create(org, admin)
    foreign = QuestionFactory(program__organization=other_org)
    for name in ("question-edit", "question-delete", "question-move"):
        assert (
            admin_client.post(
                org_url(name, program.organization, program_pk=program.pk, question_pk=foreign.pk), {"direction": "up"}
            ).status_code
            == 404
        )
    assert Question.objects.filter(pk=foreign.pk).exists()
