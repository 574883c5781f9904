"""Programs API, a program's questions: who reads the form, HR admins create, update, move and delete
questions until people enroll; everyone else is refused."""

from __future__ import annotations

from programs.models import Program, Question

from .factories import ProgramFactory, QuestionFactory, api, patch, post


class TestQuestions:
    def test_everyone_in_the_org_reads_the_form(self, member_client, stakeholder_client, org, program):
        for client in (member_client, stakeholder_client):
            body = client.get(api("question-list", org, program_pk=program.pk)).json()
            assert [q["prompt"] for q in body["results"]] == ["Skills to learn?", "Format?"]
            detail = client.get(api("question-detail", org, program_pk=program.pk, question_pk=program.skills.pk))
            assert detail.json()["mentor_prompt"] == "Skills to offer?"

    def test_questions_of_a_draft_are_hidden_from_members(self, member_client, admin_client, org):
        draft = ProgramFactory(organization=org, status=Program.Status.DRAFT)
        QuestionFactory(program=draft)
        assert member_client.get(api("question-list", org, program_pk=draft.pk)).status_code == 404
        assert admin_client.get(api("question-list", org, program_pk=draft.pk)).status_code == 200

    def test_admin_creates_updates_moves_and_deletes(self, admin_client, org, program):
        url = api("question-list", org, program_pk=program.pk)
        response = post(
            admin_client,
            url,
            {"prompt": "Languages?", "type": "multiple_choice", "options": ["English", "German"], "rule": "must"},
        )
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["position"] == 2 and created["weight"] == 0
        detail = api("question-detail", org, program_pk=program.pk, question_pk=created["id"])
        assert patch(admin_client, detail, {"required": True}).json()["required"] is True
        moved = post(
            admin_client,
            api("question-move", org, program_pk=program.pk, question_pk=created["id"]),
            {"direction": "up"},
        )
        assert [q["prompt"] for q in moved.json()] == ["Skills to learn?", "Languages?", "Format?"]
        assert admin_client.delete(detail).status_code == 204
        assert not Question.objects.filter(pk=created["id"]).exists()

    def test_invalid_question_is_400_with_the_message(self, admin_client, org, program):
        response = post(
            admin_client,
            api("question-list", org, program_pk=program.pk),
            {"prompt": "Pick", "type": "single_choice", "options": ["Only one"], "rule": "same", "weight": 2},
        )
        assert response.status_code == 400
        assert response.json() == {"options": ["A choice question needs at least two options."]}

    def test_questions_are_frozen_after_enrollment(self, admin_client, org, program):
        program.status = Program.Status.MATCHING
        program.save()
        detail = api("question-detail", org, program_pk=program.pk, question_pk=program.skills.pk)
        response = patch(admin_client, detail, {"prompt": "Changed"})
        assert response.status_code == 400
        assert "only change while the program is a draft or enrolling" in str(response.json())

    def test_member_and_stakeholder_cannot_change_questions(self, member_client, stakeholder_client, org, program):
        list_url = api("question-list", org, program_pk=program.pk)
        detail = api("question-detail", org, program_pk=program.pk, question_pk=program.skills.pk)
        move = api("question-move", org, program_pk=program.pk, question_pk=program.skills.pk)
        for client in (member_client, stakeholder_client):
            assert post(client, list_url, {"prompt": "X?", "type": "text"}).status_code == 403
            assert patch(client, detail, {"prompt": "Hacked"}).status_code == 403
            assert client.delete(detail).status_code == 403
            assert post(client, move, {"direction": "down"}).status_code == 403
        program.skills.refresh_from_db()
        assert program.skills.prompt == "Skills to learn?"
        assert program.questions.count() == 2

    def test_question_of_another_program_is_not_found(self, admin_client, org, program):
        other = ProgramFactory(organization=org)
        url = api("question-detail", org, program_pk=other.pk, question_pk=program.skills.pk)
        assert admin_client.get(url).status_code == 404
