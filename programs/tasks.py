"""Celery tasks of the programs app. Tasks take ids only and load what they need themselves."""

from __future__ import annotations

import smtplib

from celery import shared_task

from mentorhub.db.tenant_scope import organization_task

from .services.invitations import program_invitation_send

# Mail servers that are down or refuse a connection for a while: worth a few more tries, spaced out.
# Anything else (a template error, a refused address) would fail the same way again.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    name="programs.send_program_invitation",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    max_retries=4,
    retry_backoff=60,
    retry_backoff_max=600,
    retry_jitter=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
@organization_task
def send_program_invitation(*, organization_id: int, participant_id: int, base_url: str = "") -> None:
    """Email one invited participant. Checks that the invitation is still open when it runs, so a late
    delivery after they applied sends nothing, and claims the email before sending it, so a repeated delivery
    sends nothing either (mentorhub/mail_once.py); `base_url` (not a secret) makes the link absolute."""
    program_invitation_send(organization_id=organization_id, participant_id=participant_id, base_url=base_url)
