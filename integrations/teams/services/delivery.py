"""Cards for notices: one per (kind, object, person), sent to the person's conversation in their language.

Exactly once without locks held across the Connector call: the TeamsCard row is made once (its unique key),
and a sender claims it with a conditional UPDATE from pending (or failed) to sending; only the claimer sends.
A notice handed over again (a retried reminder batch) finds the card sent and does nothing; a card whose sender
stopped mid-send is claimed again after STUCK_AFTER."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from mentorhub.accounts.languages import languages_of_employees
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped
from sessions import messages
from sessions.models import NotificationPreference

from ..cards import notice_card
from ..connector import ConnectorError, send_card
from ..content import KINDS, card_content
from ..models import TeamsCard
from ..selectors import installation_of, links_of

logger = logging.getLogger(__name__)
S = TeamsCard.Status

Notice = tuple[int, str, int]  # (employee id, kind, object id)
# A card still "being sent" this long after it was made lost its sender (a worker stopped mid-send: the Connector
# call times out in seconds): the next hand-over of its notice may claim it again.
STUCK_AFTER = timedelta(minutes=15)


def _card_row(organization: Organization, employee_id: int, kind: str, object_id: int) -> TeamsCard:
    key = {"organization": organization, "employee_id": employee_id, "kind": kind, "object_id": object_id}
    found = TeamsCard.objects.filter(**key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return TeamsCard.objects.create(**key)
    except IntegrityError:  # made by another sender a moment ago
        return TeamsCard.objects.get(**key)


def teams_notices_send(*, organization: Organization, notices: Iterable[Notice]) -> int:
    """Send the cards of these notices to the people linked to the bot; how many went out."""
    installation = installation_of(organization=organization)
    if installation is None or not installation.enabled:
        return 0
    wanted = [(e, k, o) for e, k, o in notices if k in KINDS]
    links = links_of(organization=organization, employee_ids={e for e, _, _ in wanted})
    languages = languages_of_employees(organization, links.keys())
    # The categories each person switched off for email are off in Teams too (docs/integrations.md).
    switched_off = {
        row.employee_id: set(row.email_off or ())
        for row in scoped(NotificationPreference, organization).filter(employee_id__in=links.keys())
    }
    sent = 0
    for employee_id, kind, object_id in wanted:
        link = links.get(employee_id)
        if link is None or messages.CATEGORY_OF_KIND.get(kind, "") in switched_off.get(employee_id, ()):
            continue
        card = _card_row(organization, employee_id, kind, object_id)
        claimable = Q(status__in=[S.PENDING, S.FAILED]) | Q(
            status=S.SENDING, created_at__lt=timezone.now() - STUCK_AFTER
        )
        claimed = TeamsCard.objects.filter(claimable, organization=organization, pk=card.pk).update(status=S.SENDING)
        if not claimed:
            continue
        with translation.override(languages[employee_id]):
            content = card_content(
                organization=organization, card_id=card.pk, employee_id=employee_id, kind=kind, object_id=object_id
            )
            payload = notice_card(content) if content is not None else None
        if payload is None or content is None:
            TeamsCard.objects.filter(pk=card.pk).update(status=S.FAILED, note="Nothing to tell any more.")
            continue
        try:
            activity_id = send_card(link.service_url, link.conversation_id, payload)
        except ConnectorError as error:
            logger.warning("Teams card %s not sent: %s", card.pk, error)
            TeamsCard.objects.filter(pk=card.pk).update(status=S.FAILED, note=str(error)[:300])
            continue
        TeamsCard.objects.filter(pk=card.pk).update(
            status=S.SENT,
            activity_id=activity_id[:200],
            conversation_id=link.conversation_id,
            service_url=link.service_url,
            title=content.title[:200],
            sent_at=timezone.now(),
            note="",
        )
        sent += 1
    return sent
