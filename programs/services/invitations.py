"""Program invitation emails: queued after commit by the participant and program services, one Celery task
per person (programs/tasks.py, ids only), which sends it here."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from mentorhub.accounts.branding import branding_of
from mentorhub.accounts.languages import language_of_employee
from mentorhub.mail_once import send_once
from mentorhub.web.email import email_message, render_email

from ..models import Participant, Program

logger = logging.getLogger(__name__)

# Used only when neither the request (base_url) nor SITE_URL gives the site's address (a shell, a test).
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def absolute_url(path: str, base_url: str = "") -> str:
    base = (base_url or getattr(settings, "SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    return base + path


def program_invitation_send(*, organization_id: int, participant_id: int, base_url: str = "") -> bool:
    """Email one invited participant a link to their open programs. Returns False, sending nothing, when the
    invitation is no longer open: taken up or withdrawn meanwhile, or the program is not enrolling (a draft
    sends its invitations when enrollment opens) or it was already emailed. Mail errors propagate, with the
    claim given back: the task retries transient ones."""
    participant = (
        Participant.objects.select_related("program", "employee", "organization")
        .filter(pk=participant_id, organization_id=organization_id)
        .first()
    )
    if (
        participant is None
        or participant.status != Participant.Status.INVITED
        or participant.program.status != Program.Status.ENROLLING
    ):
        logger.info(
            "Program invitation %s of organization %s: no longer open, no email.", participant_id, organization_id
        )
        return False
    organization = participant.organization
    language = language_of_employee(organization, participant.employee_id)
    with translation.override(language):
        role = participant.get_role_display()
    rendered = render_email(
        "programs/email/invitation.html",
        {
            "participant": participant,
            "program": participant.program,
            "organization": organization,
            "role": role.lower() if language == "en" else role,
            "button_url": absolute_url(reverse("my-programs", kwargs={"org_slug": organization.slug}), base_url),
            "button_label": gettext_lazy("See the program and apply"),
        },
        branding=branding_of(organization),
        language=language,
    )
    # Claimed before it is sent: a redelivered task, or enrollment reopened after a return to draft, finds
    # it emailed and sends nothing (mentorhub/mail_once.py). Still invited when claimed: taking it up wins.
    claim = Participant.objects.filter(
        pk=participant.pk, organization_id=organization_id, status=Participant.Status.INVITED
    )
    sent = send_once(
        claim,
        field="invitation_emailed_at",
        send=lambda: email_message(rendered, to=[participant.employee.email]).send(),
    )
    if not sent:
        logger.info(
            "Program invitation %s of organization %s: already emailed, not sent again.",
            participant_id,
            organization_id,
        )
    return sent


def invitation_emails_queue(*, organization_id: int, participant_ids: list[int], base_url: str | None) -> None:
    """Email each invited participant after commit, one task per person (ids only), so a retry after a mail
    server hiccup resends one email, not the whole batch."""
    if not participant_ids:
        return
    from ..tasks import send_program_invitation  # the task module imports the app's modules

    def queue() -> None:
        for participant_id in participant_ids:
            send_program_invitation.delay(
                organization_id=organization_id, participant_id=participant_id, base_url=base_url or ""
            )

    # robust: the invitations are saved; a broker outage is logged rather than shown as an error.
    transaction.on_commit(queue, robust=True)
