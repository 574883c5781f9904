"""Invitation emails leave from a Celery task (ids only, retried on connection errors), the page says the
email is on its way rather than sent, and a pending invitation can be sent again (review findings)."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorhub.accounts.models import AuditEvent, Invitation, Membership
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.accounts.services.invitations import invitation_accept, invitation_create
from mentorhub.accounts.tasks import send_invitation_email
from tests.factories import UserFactory
from tests.helpers import org_url

pytestmark = pytest.mark.django_db
ATTEMPTS: list[str] = []


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the connection."""

    def send_messages(self, messages):
        ATTEMPTS.append("refused")
        raise ConnectionRefusedError("smtp down")


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        ATTEMPTS.append("broken")
        raise ValueError("bad configuration")


def link_in(message) -> str:
    return re.search(r"https?://\S+/invite/[^/\s]+/", message.body).group(0)


# --- The task -------------------------------------------------------------------------------------


def test_the_email_is_queued_after_commit_with_ids_only(org, admin, django_capture_on_commit_callbacks, monkeypatch):
    queued: list[dict] = []
    monkeypatch.setattr(send_invitation_email, "delay", lambda **kwargs: queued.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invitation_create(
            organization=org, actor=admin.user, email="x@alpha.test", role="member", base_url="https://hub.example/"
        )
    assert queued == [{"organization_id": org.pk, "invitation_id": invitation.pk, "base_url": "https://hub.example/"}]
    assert raw not in str(queued)  # the link's secret never goes through the broker


def test_the_task_rebuilds_the_link_that_works(org, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, raw = invitation_create(
            organization=org, actor=admin.user, email="new@alpha.test", role="member", base_url="https://hub.example/"
        )
    assert link_in(mail.outbox[0]) == f"https://hub.example/invite/{raw}/"
    user = UserFactory(email="new@alpha.test")
    assert invitation_accept(token=raw, user=user).organization == org


def test_a_mail_server_outage_is_retried_a_few_times_then_given_up(org, admin, settings):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="x@alpha.test", role="member")
    kwargs = {"organization_id": org.pk, "invitation_id": invitation.pk}
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    ATTEMPTS.clear()
    with pytest.raises(Retry):  # scheduled again (a worker waits retry_backoff seconds first)
        send_invitation_email.apply(kwargs=kwargs)
    retries = send_invitation_email.max_retries
    assert 2 <= retries <= 5
    with pytest.raises(ConnectionRefusedError):  # the last try gives up
        send_invitation_email.apply(kwargs=kwargs, retries=retries)
    assert ATTEMPTS == ["refused", "refused"]
    assert set(send_invitation_email.autoretry_for) == {smtplib.SMTPException, OSError}
    assert send_invitation_email.soft_time_limit < send_invitation_email.time_limit


def test_other_errors_are_not_retried(org, admin, settings):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="x@alpha.test", role="member")
    ATTEMPTS.clear()
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with pytest.raises(ValueError):
        send_invitation_email.apply(kwargs={"organization_id": org.pk, "invitation_id": invitation.pk})
    assert ATTEMPTS == ["broken"]


def test_no_email_for_an_invitation_revoked_or_of_another_organization(org, other_org, admin):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="x@alpha.test", role="member")
    send_invitation_email.delay(organization_id=other_org.pk, invitation_id=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    send_invitation_email.delay(organization_id=org.pk, invitation_id=invitation.pk)
    assert mail.outbox == []


# --- The page -------------------------------------------------------------------------------------


def test_a_failed_email_is_not_reported_as_sent(admin_client, org, settings, django_capture_on_commit_callbacks):
    ATTEMPTS.clear()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(org_url("members", org), {"email": "new@alpha.test", "role": "member"})
    assert ATTEMPTS  # it was tried (and failed)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert Invitation.objects.filter(organization=org, email="new@alpha.test").exists()
    assert "Invitation sent" not in page
    assert "Invitation created for new@alpha.test as member; the email with the link is on its way." in page


# --- Resend ---------------------------------------------------------------------------------------


@pytest.fixture
def pending(org, admin):
    invitation, raw = invitation_create(organization=org, actor=admin.user, email="late@alpha.test", role="member")
    # Sent a few days ago: Resend gives the full time again.
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=2))
    invitation.refresh_from_db()
    return invitation, raw


def test_resend_mails_a_new_link_and_retires_the_old_one(
    admin_client, org, admin, pending, settings, django_capture_on_commit_callbacks
):
    invitation, old_raw = pending
    resend = org_url("invitation-resend", org, invitation_pk=invitation.pk)
    assert f'action="{resend}"' in admin_client.get(org_url("members", org)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(resend)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS - 1)
    assert invitation.token_hash != hash_token(old_raw)
    assert [m.to for m in mail.outbox] == [["late@alpha.test"]]
    new_link = link_in(mail.outbox[0])
    assert new_link.startswith("http://testserver/invite/")
    assert invitation.token_hash == hash_token(new_link.rstrip("/").rsplit("/", 1)[1])
    audit = AuditEvent.objects.get(organization=org, verb="invitation.resend", target_id=str(invitation.pk))
    assert audit.actor == admin.user and set(audit.changes) == {"expires_at"}
    assert "A new link for late@alpha.test is on its way" in admin_client.get(response["Location"]).content.decode()

    user = UserFactory(email="late@alpha.test")
    client = Client()
    client.force_login(user)
    assert client.post(reverse("invitation-accept", kwargs={"token": old_raw})).status_code == 404
    client.post(new_link.replace("http://testserver", ""))
    assert Membership.objects.filter(organization=org, user=user).exists()


@pytest.mark.parametrize("state", ["accepted_at", "revoked_at"])
def test_only_pending_invitations_are_resent(admin_client, org, pending, state, django_capture_on_commit_callbacks):
    invitation, _raw = pending
    Invitation.objects.filter(pk=invitation.pk).update(**{state: timezone.now()})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(org_url("invitation-resend", org, invitation_pk=invitation.pk))
    assert mail.outbox == []
    assert "only a pending invitation can be sent again" in admin_client.get(response["Location"]).content.decode()
    assert not AuditEvent.objects.filter(verb="invitation.resend").exists()


def test_resend_is_for_admins_by_post(member_client, admin_client, org, pending):
    invitation, _raw = pending
    before = Invitation.objects.get(pk=invitation.pk).token_hash
    assert member_client.post(org_url("invitation-resend", org, invitation_pk=invitation.pk)).status_code == 403
    assert admin_client.get(org_url("invitation-resend", org, invitation_pk=invitation.pk)).status_code == 405
    assert Invitation.objects.get(pk=invitation.pk).token_hash == before


def test_outsider_cannot_resend(outsider_client, org, other_org, pending):
    invitation, _raw = pending
    before = Invitation.objects.get(pk=invitation.pk).token_hash
    assert outsider_client.post(org_url("invitation-resend", org, invitation_pk=invitation.pk)).status_code == 404
    assert outsider_client.post(org_url("invitation-resend", other_org, invitation_pk=invitation.pk)).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).token_hash == before


def test_resend_through_the_api(admin_client, org, pending, django_capture_on_commit_callbacks):
    invitation, _raw = pending
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/api/v1/o/{org.slug}/invitations/{invitation.pk}/resend/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending" and len(mail.outbox) == 1
