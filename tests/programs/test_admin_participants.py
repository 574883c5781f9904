"""Participants admin: the filtered table, bulk decisions, bulk invitations and the CSV export."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import Participant, Program
from programs.services.programs import program_create
from tests.factories import EmployeeFactory
from tests.helpers import org_url, page_text

from .factories import ParticipantFactory, ProgramFactory


def _create(org, admin, **data) -> Program:
    program = program_create(organization=org, actor=admin.user, data={"name": "Grow", **data})
    Program.objects.filter(pk=program.pk).update(status="enrolling")
    program.refresh_from_db()
    return program


def _question(program, prompt):
    return program.questions.get(prompt=prompt)


class TestList:
    def test_table_shows_people_with_answers_and_capacity(self, admin_client, org, admin):
        program = _create(org, admin)
        skills = _question(program, "Which skills do you want to learn?")
        ParticipantFactory(
            program=program,
            role="mentee",
            employee__name="Ada Mentee",
            employee__department="Research",
            employee__job_level=2,
            answers={str(skills.pk): ["Python", "Negotiation"]},
        )
        ParticipantFactory(program=program, role="mentor", employee__name="Grace Mentor", capacity=3)
        response = admin_client.get(org_url("program-participants", program.organization, program_pk=program.pk))
        html = page_text(response)
        assert "Ada Mentee" in html and "Research" in html and "Grace Mentor" in html
        assert "Python, Negotiation" in html
        mentor_row = next(r for r in response.context["rows"] if r["participant"].role == "mentor")
        assert mentor_row["participant"].capacity == 3
        assert '<td class="num">3</td>' in html

    def test_filters_by_role_status_and_search(self, admin_client, org, admin):
        program = _create(org, admin)
        ParticipantFactory(program=program, role="mentee", status="applied", employee__name="Alice Applied")
        ParticipantFactory(program=program, role="mentee", status="approved", employee__name="Bob Approved")
        ParticipantFactory(program=program, role="mentor", status="applied", employee__name="Carol Mentor")
        ParticipantFactory(program=ProgramFactory(organization=org), employee__name="Dave Elsewhere")

        def names(**params):
            response = admin_client.get(
                org_url("program-participants", program.organization, program_pk=program.pk), params
            )
            return sorted(r["participant"].employee.name for r in response.context["rows"])

        assert names() == ["Alice Applied", "Bob Approved", "Carol Mentor"]
        assert names(role="mentee") == ["Alice Applied", "Bob Approved"]
        assert names(status="applied") == ["Alice Applied", "Carol Mentor"]
        assert names(q="carol") == ["Carol Mentor"]
        assert names(role="mentor", status="approved") == []
        assert names(role="nonsense") == names()  # an unknown filter value is ignored

    def test_paginates_by_fifty(self, admin_client, org, admin):
        program = _create(org, admin)
        ParticipantFactory.create_batch(55, program=program)
        first = admin_client.get(org_url("program-participants", program.organization, program_pk=program.pk))
        second = admin_client.get(
            org_url("program-participants", program.organization, program_pk=program.pk), {"page": 2}
        )
        assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 5
        assert "Page 1 of 2" in page_text(first)

    def test_query_count_is_bounded(self, admin_client, org, admin, django_assert_max_num_queries):
        program = _create(org, admin)
        questions = list(program.questions.all())
        answers = {str(questions[1].pk): ["Career growth"], str(questions[2].pk): "Video call"}
        ParticipantFactory.create_batch(40, program=program, answers=answers)
        ParticipantFactory.create_batch(10, program=program, role="mentor", capacity=2, answers=answers)
        with django_assert_max_num_queries(10):  # sign-in, savepoints, program, questions, count, page, switcher
            response = admin_client.get(org_url("program-participants", program.organization, program_pk=program.pk))
        assert len(response.context["rows"]) == 50

    def test_empty_state(self, admin_client, org, admin):
        program = _create(org, admin)
        html = page_text(admin_client.get(org_url("program-participants", program.organization, program_pk=program.pk)))
        assert "Nobody has enrolled yet." in html and "Invite people" in html


class TestBulkDecisions:
    def test_changes_only_the_selected_rows_of_this_program(self, admin_client, org, admin, other_org):
        program = _create(org, admin)
        picked = ParticipantFactory.create_batch(2, program=program, status="applied")
        left = ParticipantFactory(program=program, status="applied")
        other_program = ParticipantFactory(program=ProgramFactory(organization=org), status="applied")
        foreign = ParticipantFactory(program=ProgramFactory(organization=other_org), status="applied")
        ids = [p.pk for p in picked] + [other_program.pk, foreign.pk]

        response = admin_client.post(
            org_url("program-participants-decide", program.organization, program_pk=program.pk),
            {"decision": "approve", "participant": ids, "return_query": "status=applied"},
            follow=True,
        )

        statuses = dict(Participant.objects.values_list("pk", "status"))
        assert [statuses[p.pk] for p in picked] == ["approved", "approved"]
        assert statuses[left.pk] == statuses[other_program.pk] == statuses[foreign.pk] == "applied"
        assert "2 people approved. 2 already had that status or could not be changed." in page_text(response)
        assert response.redirect_chain[-1][0].endswith("?status=applied")
        assert Participant.objects.get(pk=picked[0].pk).decided_by == admin.user

    def test_waitlist(self, admin_client, org, admin):
        program = _create(org, admin)
        person = ParticipantFactory(program=program, status="approved")
        admin_client.post(
            org_url("program-participants-decide", program.organization, program_pk=program.pk),
            {"decision": "waitlist", "participant": person.pk},
        )
        person.refresh_from_db()
        assert person.status == "waitlisted"

    def test_decline_asks_for_confirmation(self, admin_client, org, admin):
        program = _create(org, admin)
        person = ParticipantFactory(program=program, status="applied", employee__name="Erin Declined")
        url = org_url("program-participants-decide", program.organization, program_pk=program.pk)
        page = admin_client.post(url, {"decision": "decline", "participant": [person.pk]})
        assert page.status_code == 200
        assert "Decline 1 person?" in page_text(page) and "Erin Declined" in page_text(page)
        person.refresh_from_db()
        assert person.status == "applied"
        admin_client.post(url, {"decision": "decline", "participant": [person.pk], "confirm": "yes"})
        person.refresh_from_db()
        assert person.status == "declined"

    def test_nothing_ticked_or_unknown_decision(self, admin_client, org, admin):
        program = _create(org, admin)
        person = ParticipantFactory(program=program, status="applied")
        url = org_url("program-participants-decide", program.organization, program_pk=program.pk)
        assert "Tick at least one person first." in page_text(
            admin_client.post(url, {"decision": "approve"}, follow=True)
        )
        response = admin_client.post(url, {"decision": "promote", "participant": [person.pk]}, follow=True)
        assert "Choose approve, waitlist or decline." in page_text(response)
        person.refresh_from_db()
        assert person.status == "applied"


class TestInvite:
    def test_invite_by_department_and_level(self, admin_client, org, admin):
        program = _create(org, admin)
        sales = EmployeeFactory.create_batch(2, organization=org, department="Sales", job_level=2)
        senior = EmployeeFactory(organization=org, department="Finance", job_level=7)
        EmployeeFactory(organization=org, department="Finance", job_level=3)
        ParticipantFactory(program=program, employee=sales[0], role="mentor", status="applied")
        response = admin_client.post(
            org_url("program-invite", program.organization, program_pk=program.pk),
            {"role": "mentor", "departments": ["Sales"], "job_levels": ["7"]},
            follow=True,
        )
        html = page_text(response)
        assert "Invited as mentor: <strong>2</strong>" in html
        assert "Already in the program in that role: <strong>1</strong>" in html
        invited = set(program.participants.filter(status="invited").values_list("employee_id", flat=True))
        assert invited == {sales[1].pk, senior.pk}

    def test_invite_by_pasted_and_uploaded_emails(self, admin_client, org, admin):
        program = _create(org, admin)
        ann = EmployeeFactory(organization=org, email="ann@alpha.test")
        ben = EmployeeFactory(organization=org, email="Ben@Alpha.test")
        upload = SimpleUploadedFile("people.csv", b"email,name\nben@alpha.test,Ben\nghost@alpha.test,Nobody\n")
        response = admin_client.post(
            org_url("program-invite", program.organization, program_pk=program.pk),
            {"role": "mentee", "emails": "ann@alpha.test, ANN@alpha.test", "emails_file": upload},
            follow=True,
        )
        html = page_text(response)
        assert "Invited as mentee: <strong>2</strong>" in html
        assert "ghost@alpha.test" in html and "Not found among eligible employees (1)" in html
        invited = set(program.participants.filter(status="invited", role="mentee").values_list("employee", flat=True))
        assert invited == {ann.pk, ben.pk}

    def test_invite_needs_a_selection(self, admin_client, org, admin):
        program = _create(org, admin)
        response = admin_client.post(
            org_url("program-invite", program.organization, program_pk=program.pk),
            {"role": "mentee", "emails": "not an email"},
        )
        assert response.status_code == 400
        assert "No email addresses found in this text." in page_text(response)
        response = admin_client.post(
            org_url("program-invite", program.organization, program_pk=program.pk), {"role": "mentee"}
        )
        assert "Choose a department, a job level, or give email addresses." in page_text(response)
        assert not program.participants.exists()

    def test_no_invitations_past_enrollment(self, admin_client, org, admin):
        program = _create(org, admin)
        Program.objects.filter(pk=program.pk).update(status="active")
        EmployeeFactory(organization=org, department="Sales")
        html = page_text(admin_client.get(org_url("program-invite", program.organization, program_pk=program.pk)))
        assert "Invitations can only be sent while the program is a draft or enrolling." in html
        response = admin_client.post(
            org_url("program-invite", program.organization, program_pk=program.pk),
            {"role": "mentee", "departments": ["Sales"]},
        )
        assert "Invitations can only be sent" in page_text(response)
        assert not program.participants.exists()


class TestExport:
    def _rows(self, response):
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(body)))

    def test_csv_has_people_and_one_column_per_question(self, admin_client, org, admin):
        program = _create(org, admin)
        skills = _question(program, "Which skills do you want to learn?")
        note = _question(program, "Anything your match should know about you?")
        ParticipantFactory(
            program=program,
            role="mentor",
            status="approved",
            capacity=3,
            employee__name="Grace Hopper",
            employee__email="grace@alpha.test",
            employee__employee_id="E-7",
            employee__department="Research",
            employee__job_level=6,
            answers={str(skills.pk): ["Python", "COBOL"], str(note.pk): "=HYPERLINK(evil)"},
        )
        rows = self._rows(
            admin_client.get(org_url("program-participants-export", program.organization, program_pk=program.pk))
        )
        header, row = rows[0], rows[1]
        assert header[:9] == [
            "name",
            "email",
            "employee_id",
            "department",
            "job_level",
            "role",
            "status",
            "capacity",
            "applied_at",
        ]
        assert header[9:] == list(program.questions.order_by("position").values_list("prompt", flat=True))
        assert row[:8] == ["Grace Hopper", "grace@alpha.test", "E-7", "Research", "6", "mentor", "approved", "3"]
        assert row[header.index(skills.prompt)] == "Python; COBOL"
        # A formula in a free-text answer is neutralised for spreadsheets.
        assert row[header.index(note.prompt)] == "'=HYPERLINK(evil)"

    def test_csv_respects_filters(self, admin_client, org, admin):
        program = _create(org, admin)
        ParticipantFactory(program=program, role="mentee", employee__name="Mentee One")
        ParticipantFactory(program=program, role="mentor", employee__name="Mentor One")
        ParticipantFactory(program=ProgramFactory(organization=org), employee__name="Other Program")
        rows = self._rows(
            admin_client.get(
                org_url("program-participants-export", program.organization, program_pk=program.pk), {"role": "mentor"}
            )
        )
        assert [r[0] for r in rows[1:]] == ["Mentor One"]
