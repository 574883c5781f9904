"""Programs API: every route, role checks, lifecycle actions, enrollment, bulk decisions and invitations."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Participant, Program, Question
from tests.factories import EmployeeFactory

from .factories import ParticipantFactory, ProgramFactory, QuestionFactory

WRITE_METHODS = ("post", "patch", "put", "delete")


def api(name: str, org, **kwargs) -> str:
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **kwargs})


def post(client: Client, url: str, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client: Client, url: str, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def program(org):
    program = ProgramFactory(organization=org, name="Grow Together", max_mentor_capacity=3)
    program.skills = QuestionFactory(
        program=program,
        prompt="Skills to learn?",
        mentor_prompt="Skills to offer?",
        type="tags",
        options=["Python"],
        rule="offers_wants",
        weight=5,
        required=True,
        position=0,
    )
    program.format = QuestionFactory(program=program, prompt="Format?", options=["Video call", "In person"], position=1)
    return program


def _good_answers(program) -> dict:
    return {str(program.skills.pk): ["Python", "SQL"], str(program.format.pk): "Video call"}


# --- Programs ------------------------------------------------------------------------------------


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


# --- Questions -----------------------------------------------------------------------------------


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


# --- Participants --------------------------------------------------------------------------------


class TestEnrollment:
    def test_member_enrolls_and_sees_only_their_own(self, member_client, member, org, program):
        ParticipantFactory(program=program, role="mentor")  # a colleague
        url = api("participant-list", org, program_pk=program.pk)
        response = post(member_client, url, {"role": "mentor", "answers": _good_answers(program), "capacity": 3})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "applied" and body["capacity"] == 3
        assert body["employee"]["email"] == member.employee.email
        assert body["answers"] == {str(program.skills.pk): ["Python", "SQL"], str(program.format.pk): "Video call"}
        listed = member_client.get(url).json()
        assert [p["id"] for p in listed["results"]] == [body["id"]]

    def test_invalid_answers_give_per_question_messages(self, member_client, org, program):
        url = api("participant-list", org, program_pk=program.pk)
        response = post(
            member_client,
            url,
            {"role": "mentee", "answers": {str(program.format.pk): "Carrier pigeon", "999": "x"}},
        )
        assert response.status_code == 400
        errors = response.json()["answers"]
        assert errors[str(program.skills.pk)] == ["“Skills to learn?” is required."]
        assert errors[str(program.format.pk)] == ["Choose one of: Video call, In person."]
        assert errors["999"] == ["This question is not part of the form for your role."]
        assert not Participant.objects.filter(program=program).exists()

    def test_capacity_above_the_maximum_is_refused(self, member_client, org, program):
        response = post(
            member_client,
            api("participant-list", org, program_pk=program.pk),
            {"role": "mentor", "answers": _good_answers(program), "capacity": 9},
        )
        assert response.status_code == 400
        assert response.json() == {"capacity": ["Choose a capacity from 1 to 3."]}

    def test_duplicate_enrollment_is_refused(self, member_client, member, org, program):
        url = api("participant-list", org, program_pk=program.pk)
        data = {"role": "mentee", "answers": _good_answers(program)}
        assert post(member_client, url, data).status_code == 201
        response = post(member_client, url, data)
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["You are already enrolled in this program as mentee."]}
        assert Participant.objects.filter(program=program, employee=member.employee).count() == 1

    def test_not_eligible_and_not_open(self, member_client, org):
        closed_door = ProgramFactory(organization=org, eligible_departments=["Sales"])
        response = post(member_client, api("participant-list", org, program_pk=closed_door.pk), {"role": "mentee"})
        assert response.json() == {"non_field_errors": ["You are not eligible for this program."]}
        matching = ProgramFactory(organization=org, status=Program.Status.MATCHING)
        response = post(member_client, api("participant-list", org, program_pk=matching.pk), {"role": "mentee"})
        assert response.json() == {"non_field_errors": ["This program is not open for enrollment."]}

    def test_stakeholder_cannot_enroll(self, stakeholder_client, org, program):
        url = api("participant-list", org, program_pk=program.pk)
        response = post(stakeholder_client, url, {"role": "mentee", "answers": _good_answers(program)})
        assert response.status_code == 403
        assert not Participant.objects.filter(program=program).exists()

    def test_with_an_api_token(self, member, org, program):
        _token, raw = api_token_create(organization=org, actor=member.user, membership=member, name="script")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = post(
            client,
            api("participant-list", org, program_pk=program.pk),
            {"role": "mentee", "answers": _good_answers(program)},
        )
        assert response.status_code == 201


class TestOwnEnrollment:
    @pytest.fixture
    def mine(self, member, program):
        return ParticipantFactory(
            program=program, employee=member.employee, answers={str(program.skills.pk): ["Python"]}
        )

    def test_member_updates_own_answers(self, member_client, org, program, mine):
        url = api("participant-detail", org, program_pk=program.pk, participant_pk=mine.pk)
        response = patch(member_client, url, {"answers": {str(program.skills.pk): "Go, Rust"}})
        assert response.status_code == 200, response.json()
        mine.refresh_from_db()
        assert mine.answers == {str(program.skills.pk): ["Go", "Rust"]}
        response = patch(member_client, url, {"answers": {str(program.skills.pk): ""}})
        assert response.json() == {"answers": {str(program.skills.pk): ["“Skills to learn?” is required."]}}

    def test_someone_elses_enrollment(self, member_client, admin_client, org, program):
        colleague = ParticipantFactory(program=program, employee=EmployeeFactory(organization=org))
        url = api("participant-detail", org, program_pk=program.pk, participant_pk=colleague.pk)
        withdraw = api("participant-withdraw", org, program_pk=program.pk, participant_pk=colleague.pk)
        # A member cannot even see it; an admin sees it but decides on it rather than editing it.
        assert member_client.get(url).status_code == 404
        assert patch(member_client, url, {"answers": {}}).status_code == 404
        assert post(member_client, withdraw).status_code == 404
        assert admin_client.get(url).status_code == 200
        assert patch(admin_client, url, {"answers": {}}).status_code == 403
        assert post(admin_client, withdraw).status_code == 403
        colleague.refresh_from_db()
        assert colleague.status == Participant.Status.APPLIED

    def test_withdraw(self, member_client, org, program, mine):
        url = api("participant-withdraw", org, program_pk=program.pk, participant_pk=mine.pk)
        response = post(member_client, url)
        assert response.status_code == 200 and response.json()["status"] == "withdrawn"
        again = post(member_client, url)
        assert again.status_code == 400
        assert again.json() == {"non_field_errors": ["You have already withdrawn."]}

    def test_stakeholder_changes_nothing(self, org, program):
        from tests.factories import MembershipFactory

        stakeholder = MembershipFactory(organization=org, role="stakeholder")
        own = ParticipantFactory(program=program, employee=stakeholder.employee)
        client = Client()
        client.force_login(stakeholder.user)
        detail = api("participant-detail", org, program_pk=program.pk, participant_pk=own.pk)
        assert client.get(detail).status_code == 200  # reading one's own is fine
        assert patch(client, detail, {"answers": {}}).status_code == 403
        withdraw = api("participant-withdraw", org, program_pk=program.pk, participant_pk=own.pk)
        assert post(client, withdraw).status_code == 403
        own.refresh_from_db()
        assert own.status == Participant.Status.APPLIED


class TestAdminBulk:
    def test_admin_lists_everyone_with_filters(self, admin_client, org, program):
        ParticipantFactory.create_batch(3, program=program, role="mentee")
        ParticipantFactory(
            program=program, role="mentor", employee=EmployeeFactory(organization=org, name="Zed Mentor")
        )
        url = api("participant-list", org, program_pk=program.pk)
        assert admin_client.get(url).json()["count"] == 4
        assert admin_client.get(url, {"role": "mentor"}).json()["results"][0]["employee"]["name"] == "Zed Mentor"
        assert admin_client.get(url, {"search": "zed"}).json()["count"] == 1

    def test_decide(self, admin_client, org, program):
        applied = ParticipantFactory.create_batch(3, program=program)
        withdrawn = ParticipantFactory(program=program, status=Participant.Status.WITHDRAWN)
        ids = [p.pk for p in applied[:2]] + [withdrawn.pk]
        url = api("participant-decide", org, program_pk=program.pk)
        response = post(admin_client, url, {"participant_ids": ids, "decision": "approve"})
        assert response.status_code == 200 and response.json() == {"changed": 2}
        statuses = dict(Participant.objects.filter(program=program).values_list("pk", "status"))
        assert statuses[applied[0].pk] == statuses[applied[1].pk] == "approved"
        assert statuses[applied[2].pk] == "applied" and statuses[withdrawn.pk] == "withdrawn"
        bad = post(admin_client, url, {"participant_ids": ids, "decision": "promote"})
        assert bad.status_code == 400 and "decision" in bad.json()

    def test_decide_ignores_other_programs(self, admin_client, org, program):
        elsewhere = ParticipantFactory(program=ProgramFactory(organization=org))
        url = api("participant-decide", org, program_pk=program.pk)
        assert post(admin_client, url, {"participant_ids": [elsewhere.pk], "decision": "decline"}).json() == {
            "changed": 0
        }

    def test_invite(self, admin_client, org, program):
        EmployeeFactory.create_batch(2, organization=org, department="Sales")
        EmployeeFactory(organization=org, department="Finance", email="Fin@Alpha.test")
        url = api("participant-invite", org, program_pk=program.pk)
        response = post(
            admin_client,
            url,
            {"role": "mentee", "departments": ["Sales"], "emails": ["fin@alpha.test", "nobody@alpha.test"]},
        )
        assert response.status_code == 200, response.json()
        assert response.json() == {"invited": 3, "already_enrolled": 0, "not_found": ["nobody@alpha.test"]}
        assert Participant.objects.filter(program=program, status="invited").count() == 3
        empty = post(admin_client, url, {"role": "mentee"})
        assert empty.status_code == 400
        assert empty.json() == {"non_field_errors": ["Choose a department, a job level, or give email addresses."]}

    def test_export_csv(self, admin_client, org, program):
        ParticipantFactory(
            program=program,
            employee=EmployeeFactory(organization=org, name="Ana Costa"),
            answers={str(program.skills.pk): ["Python", "SQL"], str(program.format.pk): "=HYPERLINK(1)"},
        )
        response = admin_client.get(api("participant-export", org, program_pk=program.pk))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][-2:] == ["Skills to learn?", "Format?"]
        assert rows[1][0] == "Ana Costa" and rows[1][-2:] == ["Python; SQL", "'=HYPERLINK(1)"]

    def test_members_and_stakeholders_cannot_do_admin_things(self, member_client, stakeholder_client, org, program):
        target = ParticipantFactory(program=program)
        for client in (member_client, stakeholder_client):
            decide = post(
                client,
                api("participant-decide", org, program_pk=program.pk),
                {"participant_ids": [target.pk], "decision": "decline"},
            )
            assert decide.status_code == 403
            invite = post(
                client,
                api("participant-invite", org, program_pk=program.pk),
                {"role": "mentee", "departments": ["Engineering"]},
            )
            assert invite.status_code == 403
            assert client.get(api("participant-export", org, program_pk=program.pk)).status_code == 403
        target.refresh_from_db()
        assert target.status == "applied"
        assert Participant.objects.filter(program=program).count() == 1

    def test_outsider_gets_404_on_nested_routes(self, outsider_client, org, program):
        target = ParticipantFactory(program=program)
        urls = [
            api("participant-list", org, program_pk=program.pk),
            api("participant-detail", org, program_pk=program.pk, participant_pk=target.pk),
            api("question-list", org, program_pk=program.pk),
        ]
        for url in urls:
            assert outsider_client.get(url).status_code == 404
            assert post(outsider_client, url, {"role": "mentee"}).status_code in (404, 405)


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
