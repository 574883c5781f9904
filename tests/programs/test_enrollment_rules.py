"""Who may withdraw and re-apply, and who may take part at all (review findings): a declined application
stays declined; stakeholders take part neither through the pages nor through the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import Participant, Program
from programs.services.participants import WITHDRAWABLE, participant_enroll, participant_withdraw
from programs.views import member as member_views
from tests.helpers import org_url
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db
P = Participant.Status


def api(org, program, path: str = "") -> str:
    return f"/api/v1/o/{org.slug}/programs/{program.pk}/participants/{path}"


@pytest.fixture
def program(org):
    program = ProgramFactory(organization=org, name="Grow", status=Program.Status.ENROLLING)
    program.q = QuestionFactory(program=program, prompt="Format?", options=["Video call", "In person"])
    return program


@pytest.fixture
def declined(program, member, admin):
    return ParticipantFactory(
        program=program,
        employee=member.employee,
        status=P.DECLINED,
        answers={str(program.q.pk): "Video call"},
        decided_by=admin.user,
        decided_at=timezone.now(),
    )


# --- A declined application cannot be undone by its applicant ------------------------------------


def test_service_refuses_to_withdraw_a_declined_application(org, member, declined):
    with pytest.raises(ValidationError, match="declined"):
        participant_withdraw(organization=org, actor=member.user, participant_id=declined.pk)
    declined.refresh_from_db()
    assert declined.status == P.DECLINED


def test_declined_applicant_cannot_withdraw_and_reapply_through_the_pages(member_client, org, program, declined):
    response = member_client.post(org_url("participant-withdraw", org, participant_pk=declined.pk))
    assert response.status_code == 302
    declined.refresh_from_db()
    assert declined.status == P.DECLINED
    page = member_client.get(response["Location"]).content.decode()
    assert "declined; there is nothing to withdraw" in page

    member_client.post(
        org_url("program-enroll", org, program_pk=program.pk, role="mentee"), {f"q_{program.q.pk}": "Video call"}
    )
    declined.refresh_from_db()
    assert declined.status == P.DECLINED and declined.decided_by is not None


def test_declined_applicant_cannot_withdraw_and_reapply_through_the_api(member_client, org, program, declined):
    response = member_client.post(api(org, program, f"{declined.pk}/withdraw/"))
    assert response.status_code == 400
    response = member_client.post(
        api(org, program),
        data=json.dumps({"role": "mentee", "answers": {str(program.q.pk): "Video call"}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    declined.refresh_from_db()
    assert declined.status == P.DECLINED


def test_the_withdraw_page_does_not_offer_withdrawing_a_declined_application(member_client, org, declined):
    page = member_client.get(org_url("participant-withdraw", org, participant_pk=declined.pk)).content.decode()
    assert "Your enrollment is declined" in page and "Withdraw as mentee" not in page


def test_the_page_and_the_service_share_one_rule():
    assert member_views.WITHDRAWABLE is WITHDRAWABLE
    assert {P.INVITED, P.APPLIED, P.APPROVED, P.WAITLISTED} == WITHDRAWABLE


@pytest.mark.parametrize("status", [P.INVITED, P.APPLIED, P.APPROVED, P.WAITLISTED])
def test_enrollments_in_play_can_still_be_withdrawn(org, member, program, status):
    participant = ParticipantFactory(program=program, employee=member.employee, status=status)
    participant_withdraw(organization=org, actor=member.user, participant_id=participant.pk)
    participant.refresh_from_db()
    assert participant.status == P.WITHDRAWN


def test_applying_again_after_withdrawing_clears_the_earlier_decision(org, member, admin, program):
    approved = ParticipantFactory(
        program=program,
        employee=member.employee,
        status=P.APPROVED,
        decided_by=admin.user,
        decided_at=timezone.now(),
    )
    participant_withdraw(organization=org, actor=member.user, participant_id=approved.pk)
    again = participant_enroll(
        organization=org,
        actor=member.user,
        program_id=program.pk,
        employee=member.employee,
        role="mentee",
        answers={str(program.q.pk): "In person"},
    )
    approved.refresh_from_db()
    assert again.pk == approved.pk
    assert (approved.status, approved.decided_by_id, approved.decided_at) == (P.APPLIED, None, None)


# --- Stakeholders read; they do not take part ------------------------------------------------------


def test_stakeholder_cannot_enroll_through_the_page(stakeholder_client, stakeholder, org, program):
    enroll = org_url("program-enroll", org, program_pk=program.pk, role="mentee")
    assert stakeholder_client.get(enroll).status_code == 403
    response = stakeholder_client.post(enroll, {f"q_{program.q.pk}": "Video call"})
    assert response.status_code == 403
    assert not Participant.objects.filter(employee=stakeholder.employee).exists()
    assert stakeholder_client.get(org_url("my-programs", org)).status_code == 403


def test_stakeholder_cannot_edit_or_withdraw_through_the_pages(stakeholder_client, stakeholder, org, program):
    # An enrollment made before the rule (or by an admin who is a stakeholder now) stays as it is.
    own = ParticipantFactory(program=program, employee=stakeholder.employee, answers={str(program.q.pk): "Video call"})
    edit = org_url("participant-edit", org, participant_pk=own.pk)
    assert stakeholder_client.post(edit, {f"q_{program.q.pk}": "In person"}).status_code == 403
    assert stakeholder_client.post(org_url("participant-withdraw", org, participant_pk=own.pk)).status_code == 403
    own.refresh_from_db()
    assert own.status == P.APPLIED and own.answers == {str(program.q.pk): "Video call"}


def test_join_a_program_is_not_in_the_stakeholders_navigation(stakeholder_client, member_client, admin_client, org):
    link = f'href="{org_url("my-programs", org)}"'
    assert link not in stakeholder_client.get(org_url("org-home", org)).content.decode()
    assert link in member_client.get(org_url("org-home", org)).content.decode()
    assert link in admin_client.get(org_url("org-home", org)).content.decode()


def test_admins_and_members_still_enroll_through_the_page(member_client, member, org, program):
    response = member_client.post(
        org_url("program-enroll", org, program_pk=program.pk, role="mentee"), {f"q_{program.q.pk}": "Video call"}
    )
    assert response.status_code == 302
    assert Participant.objects.get(employee=member.employee, program=program).status == P.APPLIED
