"""Member pages: open programs, enrolling, editing one's own answers, withdrawing."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorhub.accounts.models import Role
from programs.models import Participant, Program
from tests.factories import EmployeeFactory, MembershipFactory
from tests.helpers import org_url

from .factories import ParticipantFactory, ProgramFactory, QuestionFactory


@pytest.fixture
def program(org):
    """An enrolling one-to-one program with a required skills question, a choice and a mentee-only scale."""
    program = ProgramFactory(
        organization=org,
        name="Grow Together",
        description="Pair up across teams.",
        max_mentor_capacity=3,
        default_mentor_capacity=2,
    )
    program.skills = QuestionFactory(
        program=program,
        prompt="Skills to learn?",
        mentor_prompt="Skills to offer?",
        type="tags",
        options=["Python", "Leadership"],
        rule="offers_wants",
        weight=5,
        required=True,
        position=0,
    )
    program.format = QuestionFactory(
        program=program, prompt="Meeting format?", options=["Video call", "In person"], position=1
    )
    program.scale = QuestionFactory(
        program=program, prompt="Confidence?", type="scale", options=[], rule="none", weight=0, audience="mentee"
    )
    return program


def _answers(program, **extra):
    return {f"q_{program.skills.pk}": "Python, Public speaking", f"q_{program.format.pk}": "Video call", **extra}


class TestMyPrograms:
    def test_lists_eligible_open_programs_and_hides_the_rest(
        self, member_client, org, program, django_assert_max_num_queries
    ):
        ProgramFactory(organization=org, name="Sales Only", eligible_departments=["Sales"])
        ProgramFactory(organization=org, name="Secret Draft", status=Program.Status.DRAFT)
        ProgramFactory(organization=org, name="Finished", status=Program.Status.CLOSED)
        ProgramFactory(
            organization=org, name="Digital Reverse", kind=Program.Kind.REVERSE, eligible_job_levels=[1, 2, 3]
        )
        with django_assert_max_num_queries(12):
            response = member_client.get(org_url("my-programs", org))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Grow Together" in page and "Pair up across teams." in page
        assert "Digital Reverse" in page and "the mentor is the more junior person" in page
        for hidden in ("Sales Only", "Secret Draft", "Finished"):
            assert hidden not in page
        assert "Apply as mentee" in page and "Apply as mentor" in page
        assert org_url("program-enroll", org, program_pk=program.pk, role="mentee") in page
        assert "You have not enrolled in a program yet" in page

    def test_my_enrollments_with_status_and_actions(self, member_client, member, org, program):
        mine = ParticipantFactory(program=program, employee=member.employee, status=Participant.Status.WAITLISTED)
        page = member_client.get(org_url("my-programs", org)).content.decode()
        assert "Waitlisted" in page
        assert "You are enrolled as mentee (waitlisted)" in page
        assert org_url("participant-edit", org, participant_pk=mine.pk) in page
        assert org_url("participant-withdraw", org, participant_pk=mine.pk) in page

    def test_membership_without_roster_entry_gets_a_clear_message(self, org, program):
        membership = MembershipFactory(organization=org, role=Role.MEMBER, employee=None)
        client = Client()
        client.force_login(membership.user)
        response = client.get(org_url("my-programs", org))
        assert response.status_code == 200
        assert "not linked to a roster entry" in response.content.decode()
        response = client.get(org_url("program-enroll", org, program_pk=program.pk, role="mentee"))
        assert response.status_code == 403
        assert "not linked to a roster entry" in response.content.decode()

    def test_outsider_gets_404(self, outsider_client, org):
        assert outsider_client.get(org_url("my-programs", org)).status_code == 404


class TestEnroll:
    def test_mentee_enrolls(self, member_client, member, org, program):
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        page = member_client.get(url).content.decode()
        assert "Skills to learn?" in page and "Confidence?" in page and "(required)" in page
        response = member_client.post(url, {**_answers(program), f"q_{program.scale.pk}": "4"}, follow=True)
        assert response.redirect_chain[-1][0] == org_url("my-programs", org)
        assert "You applied to Grow Together as mentee" in response.content.decode()
        participant = Participant.objects.get(program=program, employee=member.employee)
        assert participant.role == "mentee" and participant.status == Participant.Status.APPLIED
        assert participant.answers == {
            str(program.skills.pk): ["Python", "Public speaking"],
            str(program.format.pk): "Video call",
            str(program.scale.pk): 4,
        }

    def test_mentor_sees_mentor_prompts_and_sets_capacity(self, member_client, member, org, program):
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentor")
        page = member_client.get(url).content.decode()
        assert "Skills to offer?" in page and "Confidence?" not in page and "How many mentees" in page
        response = member_client.post(url, {**_answers(program), "capacity": "3"})
        assert response.status_code == 302
        participant = Participant.objects.get(program=program, employee=member.employee)
        assert (participant.role, participant.capacity) == ("mentor", 3)

    def test_errors_are_shown_next_to_the_questions(self, member_client, member, org, program):
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        response = member_client.post(url, {f"q_{program.format.pk}": "Video call", f"q_{program.scale.pk}": "9"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "“Skills to learn?” is required." in page
        assert "Select a valid choice" in page  # scale out of range
        assert "Please check the answers marked below." in page
        assert not Participant.objects.filter(program=program).exists()

    def test_not_eligible(self, member_client, org):
        program = ProgramFactory(organization=org, name="Sales Only", eligible_departments=["Sales"])
        QuestionFactory(program=program)
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        page = member_client.get(url).content.decode()
        assert "You are not eligible for this program" in page and "Sales" in page
        assert '<form method="post" novalidate' not in page
        response = member_client.post(url, {})
        assert response.status_code == 400
        assert not Participant.objects.filter(program=program).exists()

    def test_not_open(self, member_client, org):
        program = ProgramFactory(organization=org, name="In Matching", status=Program.Status.MATCHING)
        response = member_client.get(org_url("program-enroll", org, program_pk=program.pk, role="mentee"))
        assert "In Matching is not open for enrollment (it is matching)." in response.content.decode()

    def test_drafts_and_unknown_roles_are_not_found(self, member_client, org, program):
        draft = ProgramFactory(organization=org, status=Program.Status.DRAFT)
        assert member_client.get(org_url("program-enroll", org, program_pk=draft.pk, role="mentee")).status_code == 404
        assert member_client.get(org_url("program-enroll", org, program_pk=program.pk, role="boss")).status_code == 404

    def test_already_enrolled_and_double_submit(self, member_client, member, org, program):
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        assert member_client.post(url, _answers(program)).status_code == 302
        # The same form submitted again (double click, back button): no second enrollment, a clear message.
        response = member_client.post(url, _answers(program), follow=True)
        assert "You are already enrolled in Grow Together as mentee." in response.content.decode()
        assert Participant.objects.filter(program=program, employee=member.employee).count() == 1
        page = member_client.get(url).content.decode()
        assert "already enrolled" in page and "Edit your answers" in page

    def test_invitation_is_accepted_on_the_enrollment_page(self, member_client, member, org, program):
        invited = ParticipantFactory(program=program, employee=member.employee, status=Participant.Status.INVITED)
        assert "Accept the invitation as mentee" in member_client.get(org_url("my-programs", org)).content.decode()
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        assert "You were invited to this program" in member_client.get(url).content.decode()
        assert member_client.post(url, _answers(program)).status_code == 302
        invited.refresh_from_db()
        assert invited.status == Participant.Status.APPLIED
        assert invited.answers[str(program.skills.pk)] == ["Python", "Public speaking"]

    def test_apply_again_after_withdrawing_starts_from_the_old_answers(self, member_client, member, org, program):
        withdrawn = ParticipantFactory(
            program=program,
            employee=member.employee,
            status=Participant.Status.WITHDRAWN,
            answers={str(program.skills.pk): ["Leadership"]},
        )
        assert "Apply again as mentee" in member_client.get(org_url("my-programs", org)).content.decode()
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        assert 'value="Leadership"' in member_client.get(url).content.decode()
        assert member_client.post(url, _answers(program)).status_code == 302
        withdrawn.refresh_from_db()
        assert withdrawn.status == Participant.Status.APPLIED

    def test_outsider_gets_404(self, outsider_client, org, program):
        url = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, _answers(program)).status_code == 404


class TestEditAndWithdraw:
    @pytest.fixture
    def mine(self, member, program):
        return ParticipantFactory(
            program=program,
            employee=member.employee,
            answers={str(program.skills.pk): ["Python"], str(program.format.pk): "In person"},
        )

    def test_edit_own_answers(self, member_client, org, program, mine):
        url = org_url("participant-edit", org, participant_pk=mine.pk)
        page = member_client.get(url).content.decode()
        assert "Your answers for Grow Together" in page and 'value="Python"' in page
        response = member_client.post(url, _answers(program))
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.answers[str(program.skills.pk)] == ["Python", "Public speaking"]
        assert mine.answers[str(program.format.pk)] == "Video call"

    def test_edit_shows_errors(self, member_client, org, program, mine):
        response = member_client.post(org_url("participant-edit", org, participant_pk=mine.pk), {})
        assert response.status_code == 400
        assert "“Skills to learn?” is required." in response.content.decode()
        mine.refresh_from_db()
        assert mine.answers[str(program.skills.pk)] == ["Python"]

    def test_someone_elses_enrollment_is_not_found(self, member_client, org, program):
        colleague = ParticipantFactory(program=program, employee=EmployeeFactory(organization=org))
        for name in ("participant-edit", "participant-withdraw"):
            url = org_url(name, org, participant_pk=colleague.pk)
            assert member_client.get(url).status_code == 404
            assert member_client.post(url, _answers(program)).status_code == 404
        colleague.refresh_from_db()
        assert colleague.status == Participant.Status.APPLIED

    def test_matched_enrollment_can_no_longer_be_changed(self, member_client, org, mine):
        mine.status = Participant.Status.MATCHED
        mine.save()
        response = member_client.get(org_url("participant-edit", org, participant_pk=mine.pk), follow=True)
        assert "it can no longer be changed" in response.content.decode()

    def test_withdraw_asks_for_confirmation_then_withdraws(self, member_client, org, mine):
        url = org_url("participant-withdraw", org, participant_pk=mine.pk)
        page = member_client.get(url).content.decode()
        assert "Withdraw from Grow Together?" in page and "Withdraw as mentee" in page
        mine.refresh_from_db()
        assert mine.status == Participant.Status.APPLIED  # the GET changed nothing
        response = member_client.post(url, follow=True)
        assert "You withdrew from Grow Together as mentee." in response.content.decode()
        mine.refresh_from_db()
        assert mine.status == Participant.Status.WITHDRAWN
        again = member_client.post(url, follow=True)
        assert "You have already withdrawn from Grow Together." in again.content.decode()

    def test_outsider_gets_404(self, outsider_client, org, mine):
        for name in ("participant-edit", "participant-withdraw"):
            url = org_url(name, org, participant_pk=mine.pk)
            assert outsider_client.get(url).status_code == 404
            assert outsider_client.post(url).status_code == 404
        mine.refresh_from_db()
        assert mine.status == Participant.Status.APPLIED
