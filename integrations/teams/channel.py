"""The Teams app as a chat channel of the notices (mentorhub/accounts/extensions.py): handed every notice
after its email and in-app notice went out, it queues one task per organization (after the commit: a
rolled-back approval tells nobody) and returns at once."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.conf import settings
from django.db import transaction

from mentorhub.accounts.extensions import PersonalNotice

from .content import KINDS


def teams_channel(notices: list[PersonalNotice]) -> None:
    if not settings.TEAMS_APP_ID:
        return
    by_organization: dict[int, list[list]] = defaultdict(list)
    for notice in notices:
        if notice.kind in KINDS:
            by_organization[notice.organization_id].append([notice.employee_id, notice.kind, notice.object_id])
    for organization_id, rows in by_organization.items():
        transaction.on_commit(partial(_queue, organization_id, rows))


def _queue(organization_id: int, rows: list[list]) -> None:
    from .tasks import teams_send_notices  # the task calls the services, which this module's importers use

    teams_send_notices.delay(organization_id=organization_id, notices=rows)
