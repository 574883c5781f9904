"""Bulk program invitations (review findings): each newly invited person is emailed a link to their open
programs (a task per person, after commit); emails are compared lowercased in the query; the invited count
is what was created."""

from __future__ import annotations

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from mentorhub.accounts.models import Employee
from programs.models import Participant, Program
from programs.services.participants import participants_invite
from programs.services.programs import program_move
from programs.tasks import send_program_invitation
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db
P = Participant.Status
ATTEMPTS: list[str] = []


class DownBackend(BaseEmailBackend):
    """A mail server that refuses connections."""

    def send_messages(self, messages):
        ATTEMPTS.append("down")
        raise smtplib.SMTPConnectError(421, "try again later")


class BrokenBackend(BaseEmailBackend):
    """A fault that another try would not fix."""

    def send_messages(self, messages):
        ATTEMPTS.append("broken")
        raise ValueError("bad configuration")


@pytest.fixture
def program(org):
    program = ProgramFactory(organization=org, name="Grow", status=Program.Status.ENROLLING)
    QuestionFactory(program=program)
    return program


def invite(org, admin, program, **kwargs):
    return participants_invite(
        organization=org, actor=admin.user, program_id=program.pk, role=kwargs.pop("role", "mentee"), **kwargs
    )


def test_each_newly_invited_person_gets_an_email_after_commit(org, admin, program, django_capture_on_commit_callbacks):
    ada = EmployeeFactory(organization=org, email="ada@alpha.test", name="Ada Quill", department="Sales")
    bo = EmployeeFactory(organization=org, email="bo@alpha.test", department="Sales")
    ParticipantFactory(program=program, employee=bo, status=P.APPLIED)  # already in: no email
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = invite(org, admin, program, departments=["Sales"], base_url="https://hub.example/")
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert result["invited"] == 1 and result["already_enrolled"] == 1
    assert [message.to for message in mail.outbox] == [["ada@alpha.test"]]
    message = mail.outbox[0]
    assert "Grow" in message.subject and "mentee" in message.subject
    assert "Ada Quill" in message.body and "Alpha Ltd" in message.body
    assert "https://hub.example" + reverse("my-programs", kwargs={"org_slug": org.slug}) in message.body
    assert Participant.objects.get(program=program, employee=ada).status == P.INVITED


def test_the_invite_page_emails_with_the_sites_address(admin_client, org, program, django_capture_on_commit_callbacks):
    EmployeeFactory(organization=org, email="cy@alpha.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("program-invite", kwargs={"org_slug": org.slug, "program_pk": program.pk}),
            {"role": "mentor", "emails": "CY@alpha.test"},
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["cy@alpha.test"]]
    assert "http://testserver/o/alpha/programs/open/" in mail.outbox[0].body
    page = admin_client.get(response["Location"]).content.decode()
    assert "the emails are on their way" in page


def test_a_draft_emails_its_invitations_when_enrollment_opens(org, admin, django_capture_on_commit_callbacks):
    draft = ProgramFactory(organization=org, name="Later", status=Program.Status.DRAFT)
    QuestionFactory(program=draft)
    EmployeeFactory(organization=org, email="dee@alpha.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(org, admin, draft, emails=["dee@alpha.test"])["invited"] == 1
    assert mail.outbox == []  # a link to a program nobody can see yet would help no one
    with django_capture_on_commit_callbacks(execute=True):
        program_move(
            organization=org, actor=admin.user, program_id=draft.pk, to_status="enrolling", base_url="https://h.example"
        )
    assert [message.to for message in mail.outbox] == [["dee@alpha.test"]]
    assert "https://h.example/o/alpha/programs/open/" in mail.outbox[0].body


def test_no_email_once_the_invitation_was_taken_up(org, admin, program, member):
    invited = ParticipantFactory(program=program, employee=member.employee, status=P.APPLIED)
    send_program_invitation.delay(organization_id=org.pk, participant_id=invited.pk)
    assert mail.outbox == []


def test_the_task_needs_the_right_organization(org, other_org, admin, program):
    invited = ParticipantFactory(program=program, status=P.INVITED)
    send_program_invitation.delay(organization_id=other_org.pk, participant_id=invited.pk)
    assert mail.outbox == []
    send_program_invitation.delay(organization_id=org.pk, participant_id=invited.pk)
    assert len(mail.outbox) == 1


def test_the_task_retries_connection_errors_only(org, program, settings):
    invited = ParticipantFactory(program=program, status=P.INVITED)
    kwargs = {"organization_id": org.pk, "participant_id": invited.pk}
    ATTEMPTS.clear()
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    with pytest.raises(Retry):  # scheduled again
        send_program_invitation.apply(kwargs=kwargs)
    with pytest.raises(smtplib.SMTPConnectError):  # the last try gives up
        send_program_invitation.apply(kwargs=kwargs, retries=send_program_invitation.max_retries)
    assert ATTEMPTS == ["down", "down"]
    ATTEMPTS.clear()
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with pytest.raises(ValueError):
        send_program_invitation.apply(kwargs=kwargs)
    assert ATTEMPTS == ["broken"]
    assert send_program_invitation.soft_time_limit and send_program_invitation.time_limit


# --- Matching emails in the query, and the count --------------------------------------------------


def test_emails_are_matched_case_insensitively_in_the_query(
    org, admin, program, django_assert_max_num_queries, monkeypatch
):
    mixed = EmployeeFactory(organization=org, email="Mixed.Case@Alpha.test")
    for _ in range(30):
        EmployeeFactory(organization=org)  # eligible, not asked for
    loaded: list[int] = []
    real_from_db = Employee.from_db.__func__

    def counting_from_db(cls, db, field_names, values):
        loaded.append(1)
        return real_from_db(cls, db, field_names, values)

    monkeypatch.setattr(Employee, "from_db", classmethod(counting_from_db))
    with django_assert_max_num_queries(8):
        result = invite(org, admin, program, emails=["mixed.case@alpha.TEST", "ghost@alpha.test"])
    assert result == {"invited": 1, "already_enrolled": 0, "not_found": ["ghost@alpha.test"]}
    assert list(Participant.objects.filter(program=program).values_list("employee_id", flat=True)) == [mixed.pk]
    assert len(loaded) <= 1  # the database compares the emails; the eligible roster is not read into Python


def test_the_count_is_what_was_created_when_a_row_is_skipped(org, admin, program, monkeypatch):
    """ignore_conflicts skips a row that appeared after the check (here: the person enrolled meanwhile);
    it was not invited and is not counted as such."""
    first = EmployeeFactory(organization=org, email="first@alpha.test")
    late = EmployeeFactory(organization=org, email="late@alpha.test")
    real_bulk_create = Participant.objects.bulk_create

    def enrolled_meanwhile(objs, **kwargs):
        ParticipantFactory(program=program, employee=late, status=P.APPLIED)
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(Participant.objects, "bulk_create", enrolled_meanwhile)
    result = invite(org, admin, program, emails=["first@alpha.test", "late@alpha.test"])
    assert result["invited"] == 1 and result["already_enrolled"] == 1
    statuses = dict(Participant.objects.filter(program=program).values_list("employee_id", "status"))
    assert statuses == {first.pk: P.INVITED, late.pk: P.APPLIED}
