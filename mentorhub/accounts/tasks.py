"""Celery tasks of the accounts app. Tasks take ids only and load through the services."""

from __future__ import annotations

import smtplib

from celery import shared_task

from mentorhub.db.tenant_scope import cross_organization_task, organization_scope, organization_task
from mentorhub.jobs.sweep import JobKind, register

from .models import Organization, RosterImport, User
from .services.departures import departures_complete
from .services.invitations import invitation_email_send
from .services.retention import retention_apply
from .services.roster_import import SOFT_TIME_LIMIT_SECONDS, TIME_LIMIT_SECONDS, roster_import_apply

# Mail servers that are down or refuse a connection for a while: worth trying again, a few times, spaced
# out (about 1, 2, 4, 8 minutes). Anything else (a template error, a bad address) would fail the same way.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAIL_RETRIES = 4


@shared_task(
    name="accounts.apply_roster_import",
    soft_time_limit=SOFT_TIME_LIMIT_SECONDS,
    time_limit=TIME_LIMIT_SECONDS,
    ignore_result=True,
)
@organization_task
def apply_roster_import(*, organization_id: int, import_id: int) -> None:
    """Apply a validated roster import. Idempotent: the service claims the import with a conditional
    UPDATE (queued, or running with a dead heartbeat -> running), so a duplicate delivery finds nothing to do."""
    roster_import_apply(organization_id=organization_id, import_id=import_id)


# The sweeper (mentorhub/jobs/sweep.py) sends an import again when its worker died or its message was lost.
ROSTER_IMPORTS = JobKind(
    model=RosterImport, task=apply_roster_import, id_argument="import_id", requeue={"processed_rows": 0}
)
register(ROSTER_IMPORTS)


@shared_task(
    name="accounts.send_invitation_email",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    max_retries=MAIL_RETRIES,
    retry_backoff=60,
    retry_backoff_max=600,
    retry_jitter=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
@organization_task
def send_invitation_email(*, organization_id: int, invitation_id: int, base_url: str = "") -> None:
    """Email an invitation's link. `base_url` (scheme and host of the admin's request) makes the link
    absolute; it is not a secret, the link's secret is rebuilt from the row. An invitation revoked,
    accepted or expired before the task runs gets no email, and a link is emailed once: the service claims
    it first, so a task redelivered after a worker died mid-send finds it sent (mentorhub/mail_once.py)."""
    invitation_email_send(organization_id=organization_id, invitation_id=invitation_id, base_url=base_url)


@shared_task(name="accounts.complete_departures", soft_time_limit=300, time_limit=360, ignore_result=True)
@cross_organization_task
def complete_departures(*, organization_id: int | None = None, actor_id: int | None = None) -> int:
    """Complete the departures due (services.departures.departures_complete): of one organization after its
    roster import recorded leaving dates (`actor_id`: who imported), or, from beat every hour, of every
    organization, so a leaving date given ahead takes effect on its day. Idempotent."""
    organizations = Organization.objects.order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    source = "roster_import" if organization_id is not None else "leaving_date"
    completed = 0
    for organization in organizations:
        with organization_scope(organization.pk):
            completed += departures_complete(organization=organization, actor=actor, source=source)
    return completed


@shared_task(name="accounts.apply_retention", soft_time_limit=1800, time_limit=1860, ignore_result=True)
@cross_organization_task
def apply_retention(*, organization_id: int | None = None) -> int:
    """Nightly (beat): erase the personal data of the leavers whose retention period is over
    (services.retention), one organization at a time, each inside its own scope. Idempotent: an erased person
    is never due again. Returns how many people were erased."""
    organizations = Organization.objects.order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    erased = 0
    for organization in organizations:
        with organization_scope(organization.pk):
            erased += retention_apply(organization=organization)
    return erased
