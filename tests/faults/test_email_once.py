"""One-off emails sent by tasks go out once, however often the task is delivered (mentorhub/mail_once.py).

The crash test: a REAL Celery worker sends an invitation to a real SMTP server on loopback, which SIGKILLs the
worker the moment it has received the message (before even answering it). The task was never acknowledged, so
the broker hands it out again (kombu's own restore of an unacknowledged message, done here at once instead of
after the visibility timeout); a new worker runs it, finds the email claimed, and sends nothing: one message.
The other tests run the task twice in-process, for each one-off email a task sends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from matching.models import Match
from matching.tasks import execute_run
from mentorhub.accounts.models import Invitation
from mentorhub.accounts.services.invitations import invitation_create, invitation_resend
from mentorhub.accounts.tasks import send_invitation_email
from programs.models import Participant, Program
from programs.services.programs import program_move
from programs.tasks import send_program_invitation
from tests.matching.builders import run_now, standard_cohort
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory


class Inbox:
    """What the loopback SMTP server received; `on_message` runs in its thread once a message is in."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.on_message: Callable[[], None] | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or b""))
        if self.on_message is not None:
            self.on_message()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(monkeypatch) -> Iterator[Inbox]:
    """A real SMTP server on loopback, and the worker's settings pointing at it (set before it starts)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    try:
        yield inbox
    finally:
        controller.stop()


def redeliver_unacknowledged(queue: str) -> int:
    """Put the queue's unacknowledged messages back, as kombu does once the visibility timeout has passed
    (its QoS.restore_by_tag): only this test's queue, so parallel tests sharing the Redis are untouched."""
    from kombu import Connection

    restored = 0
    with Connection(os.environ["REDIS_URL"]) as connection:
        channel = connection.default_channel
        for tag, raw in channel.client.hgetall(channel.unacked_key).items():
            _message, _exchange, routing_key = json.loads(raw)
            if routing_key == queue:
                channel.qos.restore_by_tag(tag.decode())
                restored += 1
    return restored


@pytest.mark.services
@pytest.mark.xdist_group("worker")
def test_an_invitation_redelivered_after_the_worker_died_mid_send_is_not_sent_twice(
    transactional_db, smtp_inbox, request, org, admin
):
    worker = request.getfixturevalue("celery_worker_process")  # started after the SMTP settings
    smtp_inbox.on_message = lambda: os.killpg(worker.process.pid, signal.SIGKILL)

    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="new@alpha.test", role="member")

    deadline = time.monotonic() + 60
    while worker.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.process.poll() is not None, worker.log()
    assert [to for to, _content in smtp_inbox.messages] == [["new@alpha.test"]]
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None  # claimed before the mail server had it

    smtp_inbox.on_message = None
    assert redeliver_unacknowledged(worker.queue) == 1  # the dead worker never acknowledged the task
    worker.restart()
    worker.wait_for(lambda: "already emailed" in worker.log(), timeout=60)

    assert [to for to, _content in smtp_inbox.messages] == [["new@alpha.test"]]
    assert "send_invitation_email" in worker.log() and "succeeded" in worker.log()


# --- The same rule for every one-off email a task sends, delivered twice in-process ---------------------


@pytest.mark.django_db
def test_an_invitation_task_delivered_twice_sends_one_email_and_resend_sends_the_new_link(org, admin):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="x@alpha.test", role="member")
    kwargs = {"organization_id": org.pk, "invitation_id": invitation.pk}
    send_invitation_email.apply(kwargs=kwargs)
    send_invitation_email.apply(kwargs=kwargs)
    assert [m.to for m in mail.outbox] == [["x@alpha.test"]]
    first_link = mail.outbox[0].body

    invitation_resend(organization=org, actor=admin.user, invitation_id=invitation.pk)
    assert Invitation.objects.get(pk=invitation.pk).emailed_at is None  # a new link: its own email
    send_invitation_email.apply(kwargs=kwargs)
    send_invitation_email.apply(kwargs=kwargs)
    assert len(mail.outbox) == 2 and mail.outbox[1].body != first_link


@pytest.mark.django_db
def test_a_revoked_invitation_claimed_by_no_one_is_never_emailed(org, admin):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="x@alpha.test", role="member")
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    send_invitation_email.apply(kwargs={"organization_id": org.pk, "invitation_id": invitation.pk})
    assert mail.outbox == [] and Invitation.objects.get(pk=invitation.pk).emailed_at is None


@pytest.mark.django_db
def test_a_program_invitation_goes_out_once_even_when_enrollment_reopens(
    org, admin, django_capture_on_commit_callbacks
):
    program = ProgramFactory(organization=org, status=Program.Status.ENROLLING)
    QuestionFactory(program=program)
    invited = ParticipantFactory(program=program, status=Participant.Status.INVITED)
    kwargs = {"organization_id": org.pk, "participant_id": invited.pk}
    send_program_invitation.apply(kwargs=kwargs)
    send_program_invitation.apply(kwargs=kwargs)  # redelivered
    assert [m.to for m in mail.outbox] == [[invited.employee.email]]

    # Back to draft and open again: the invited are queued again, and were already told.
    with django_capture_on_commit_callbacks(execute=True):
        program_move(organization=org, actor=admin.user, program_id=program.pk, to_status="draft")
        program_move(organization=org, actor=admin.user, program_id=program.pk, to_status="enrolling")
    assert len(mail.outbox) == 1
    assert Participant.objects.get(pk=invited.pk).invitation_emailed_at is not None


@pytest.mark.django_db
def test_a_matching_run_delivered_again_after_it_finished_emails_no_one_twice(
    org, admin, mailoutbox, django_capture_on_commit_callbacks
):
    """ "You have a match" emails leave on the commit of the run that approved the matches (automatic mode); a
    redelivered run task finds the run done (its claim: matching/services/runs.py) and sends nothing."""
    cohort = standard_cohort(org, match_mode=Program.MatchMode.AUTOMATIC)
    run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
    assert Match.objects.filter(run=run, status=Match.Status.APPROVED).count() == 4
    assert len(mailoutbox) == 8
    with django_capture_on_commit_callbacks(execute=True):
        execute_run.apply(kwargs={"organization_id": org.pk, "run_id": run.pk})
    assert len(mailoutbox) == 8


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the connection."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


@pytest.mark.django_db
def test_the_claim_is_given_back_when_the_mail_server_fails_so_the_retry_sends(org, admin, settings):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="x@alpha.test", role="member")
    kwargs = {"organization_id": org.pk, "invitation_id": invitation.pk}
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(Retry):
        send_invitation_email.apply(kwargs=kwargs)
    assert Invitation.objects.get(pk=invitation.pk).emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_invitation_email.apply(kwargs=kwargs)  # the retry
    assert [m.to for m in mail.outbox] == [["x@alpha.test"]]
    assert Invitation.objects.get(pk=invitation.pk).emailed_at is not None
