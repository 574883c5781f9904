"""Programs API, programs: list and read by role, create and update, lifecycle actions; stakeholders never
write on any route; list query counts stay bounded."""

from __future__ import annotations

import pytest

from programs.models import Participant, Program

from .factories import ParticipantFactory, ProgramFactory, QuestionFactory, api, patch, post

WRITE_METHODS = ("post", "patch", "put", "delete")


class TestPrograms:
    def test_admin_lists_every_program_with_counts(self, admin_client, org, program, other_org):
        ProgramFactory(organization=org, name="Draft One", status=Program.Status.DRAFT)
        ProgramFactory(organization=other_org, name="Not Ours")
        ParticipantFactory.create_batch(2, program=program, role="mentor")
        ParticipantFactory(program=program, role="mentee", status=Participant.Status.WITHDRAWN)
        body = admin_client.get(api("program-list", org)).json()
        by_name = {p["name"]: p for p in body["results"]}
        assert set(by_name) == {"Grow Together", "Draft One"}
        grow = by_name["Grow Together"]
        assert (grow["mentor_count"], grow["mentee_count"], grow["question_count"]) == (2, 0, 2)
        assert grow["allowed_moves"] == ["matching", "draft", "closed"]

    @pytest.mark.parametrize("who", ["member", "stakeholder"])
    def test_others_see_published_programs_only(self, request, who, org, program):
        client = request.getfixturevalue(f"{who}_client")
        ProgramFactory(organization=org, name="Draft One", status=Program.Status.DRAFT)
        ProgramFactory(organization=org, name="Running", status=Program.Status.ACTIVE)
        ProgramFactory(organization=org, name="Old", status=Program.Status.CLOSED)
        names = {p["name"] for p in client.get(api("program-list", org)).json()["results"]}
        assert names == {"Grow Together", "Running"}
        draft = Program.objects.get(name="Draft One")
        assert client.get(api("program-detail", org, program_pk=draft.pk)).status_code == 404

    def test_member_still_sees_a_closed_program_they_took_part_in(self, member_client, member, org):
        old = ProgramFactory(organization=org, name="Old", status=Program.Status.CLOSED)
        ParticipantFactory(program=old, employee=member.employee, status=Participant.Status.MATCHED)
        names = {p["name"] for p in member_client.get(api("program-list", org)).json()["results"]}
        assert "Old" in names

    def test_admin_creates_a_program_with_the_kind_question_set(self, admin_client, org):
        response = post(
            admin_client,
            api("program-list", org),
            {"name": "Leadership Circles", "kind": "group", "eligible_job_levels": [4, 5, 6]},
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "draft" and body["kind"] == "group" and body["question_count"] > 0
        program = Program.objects.get(organization=org, pk=body["id"])
        assert program.eligible_job_levels == [4, 5, 6] and program.circle_max_size == 6

    def test_create_without_questions_and_invalid_dates(self, admin_client, org):
        response = post(admin_client, api("program-list", org), {"name": "Bare", "with_question_set": False})
        assert response.json()["question_count"] == 0
        response = post(
            admin_client,
            api("program-list", org),
            {"name": "Backwards", "starts_on": "2027-03-01", "ends_on": "2027-01-01"},
        )
        assert response.status_code == 400
        assert response.json() == {"ends_on": ["The end date must be on or after the start date."]}
        assert not Program.objects.filter(name="Backwards").exists()

    def test_member_and_stakeholder_cannot_create(self, member_client, stakeholder_client, org):
        for client in (member_client, stakeholder_client):
            assert post(client, api("program-list", org), {"name": "Sneaky"}).status_code == 403
        assert not Program.objects.filter(name="Sneaky").exists()

    def test_admin_updates(self, admin_client, org, program):
        response = patch(admin_client, api("program-detail", org, program_pk=program.pk), {"cadence_per_month": 4})
        assert response.status_code == 200 and response.json()["cadence_per_month"] == 4
        program.refresh_from_db()
        assert program.cadence_per_month == 4
        response = patch(admin_client, api("program-detail", org, program_pk=program.pk), {"kind": "group"})
        assert response.status_code == 400
        assert "only change while it is a draft" in str(response.json())

    def test_outsider_gets_404(self, outsider_client, org, program):
        assert outsider_client.get(api("program-list", org)).status_code == 404
        assert outsider_client.get(api("program-detail", org, program_pk=program.pk)).status_code == 404


class TestLifecycle:
    def test_allowed_moves(self, admin_client, org):
        program = ProgramFactory(organization=org, status=Program.Status.DRAFT)
        QuestionFactory(program=program)
        for action, status in [
            ("open-enrollment", "enrolling"),
            ("back-to-draft", "draft"),
            ("open-enrollment", "enrolling"),
            ("start-matching", "matching"),
            ("activate", "active"),
            ("close", "closed"),
        ]:
            response = post(admin_client, api(f"program-{action}", org, program_pk=program.pk))
            assert response.status_code == 200, (action, response.json())
            assert response.json()["status"] == status
        program.refresh_from_db()
        assert program.status == "closed"

    def test_refused_move_is_400_with_the_message(self, admin_client, org):
        program = ProgramFactory(organization=org, status=Program.Status.DRAFT)
        response = post(admin_client, api("program-activate", org, program_pk=program.pk))
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["A program that is draft cannot move to “Active”."]}
        response = post(admin_client, api("program-open-enrollment", org, program_pk=program.pk))
        assert response.json() == {"non_field_errors": ["Add at least one question before opening enrollment."]}
        program.refresh_from_db()
        assert program.status == "draft"

    @pytest.mark.parametrize("action", ["open-enrollment", "start-matching", "activate", "close", "back-to-draft"])
    def test_only_admins_move(self, member_client, stakeholder_client, org, program, action):
        for client in (member_client, stakeholder_client):
            assert post(client, api(f"program-{action}", org, program_pk=program.pk)).status_code == 403
        program.refresh_from_db()
        assert program.status == "enrolling"

    def test_get_is_not_a_move(self, admin_client, org, program):
        assert admin_client.get(api("program-close", org, program_pk=program.pk)).status_code == 405


class TestStakeholderNeverWrites:
    def test_every_write_route_is_403(self, stakeholder_client, org, program):
        target = ParticipantFactory(program=program)
        pk = {"program_pk": program.pk}
        urls = [
            api("program-list", org),
            api("program-detail", org, **pk),
            *[
                api(f"program-{a}", org, **pk)
                for a in ("open-enrollment", "start-matching", "activate", "close", "back-to-draft")
            ],
            api("question-list", org, **pk),
            api("question-detail", org, question_pk=program.skills.pk, **pk),
            api("question-move", org, question_pk=program.skills.pk, **pk),
            api("participant-list", org, **pk),
            api("participant-detail", org, participant_pk=target.pk, **pk),
            api("participant-withdraw", org, participant_pk=target.pk, **pk),
            api("participant-decide", org, **pk),
            api("participant-invite", org, **pk),
        ]
        for url in urls:
            answers = {
                m: getattr(stakeholder_client, m)(url, {}, content_type="application/json").status_code
                for m in WRITE_METHODS
            }
            assert set(answers.values()) <= {403, 405} and 403 in answers.values(), (url, answers)


class TestQueryCounts:
    def test_programs_list_is_bounded(self, admin_client, member_client, org, django_assert_max_num_queries):
        for n in range(12):
            program = ProgramFactory(organization=org, name=f"P{n}")
            QuestionFactory.create_batch(2, program=program)
            ParticipantFactory.create_batch(3, program=program)
        for client in (admin_client, member_client):
            with django_assert_max_num_queries(8):
                body = client.get(api("program-list", org)).json()
            assert body["count"] == 12

    def test_participants_list_is_bounded(self, admin_client, org, program, django_assert_max_num_queries):
        ParticipantFactory.create_batch(30, program=program)
        with django_assert_max_num_queries(9):
            body = admin_client.get(api("participant-list", org, program_pk=program.pk)).json()
        assert body["count"] == 30 and all(p["employee"]["name"] for p in body["results"])
