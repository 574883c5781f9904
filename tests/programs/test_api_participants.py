"""Programs API, participants: enrollment (by members and with an API token), one's own enrollment (answers,
withdrawal), and HR admins' bulk work on a program's participants (list, decisions, invitations, CSV export)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Participant, Program
from tests.factories import EmployeeFactory

from .factories import ParticipantFactory, ProgramFactory, api, patch, post


def _good_answers(program) -> dict:
    return {str(program.skills.pk): ["Python", "SQL"], str(program.format.pk): "Video call"}


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
