"""People linked to their Slack user by the email on their roster row (users.lookupByEmail), kept in a table:
a hit is used as it is; a miss (not found, or never looked up) asks Slack again, at most once a day for a
person Slack did not know."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..models import SlackPerson

RETRY_NOT_FOUND_AFTER = timedelta(days=1)


def slack_person_link(
    *, organization: Organization, employee: Employee, client: WebClient, refresh: bool = False
) -> SlackPerson | None:
    """The person's link, looked up when missing (or when `refresh`: the cached user id stopped working).
    None when they have no email or Slack does not know it."""
    now = timezone.now()
    person = scoped(SlackPerson, organization).filter(employee=employee).first()
    fresh = person is not None and (person.slack_user_id or now - person.looked_up_at < RETRY_NOT_FOUND_AFTER)
    if fresh and not refresh:
        return person if person and person.slack_user_id else None
    user_id = ""
    if employee.email:
        try:
            answer = client.users_lookupByEmail(email=employee.email)
            user = answer.get("user") or {}
            if not user.get("deleted") and not user.get("is_bot"):
                user_id = (user.get("id") or "")[:32]
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                raise
    with transaction.atomic():
        person, _created = SlackPerson.objects.update_or_create(
            organization=organization,
            employee=employee,
            defaults={"slack_user_id": user_id, "looked_up_at": now},
        )
    return person if user_id else None


NEVER_LOOKED_UP = datetime(2000, 1, 1, tzinfo=UTC)


def slack_person_messages_set(*, organization: Organization, employee: Employee, wanted: bool) -> SlackPerson:
    """The person's own switch: Slack messages from MentorHub, or none. Kept with their link (a link made for
    the switch alone is looked up when there is first something to send)."""
    with transaction.atomic():
        person, _created = SlackPerson.objects.update_or_create(
            organization=organization,
            employee=employee,
            defaults={"dms_off": not wanted},
            create_defaults={"dms_off": not wanted, "looked_up_at": NEVER_LOOKED_UP},
        )
        person.full_clean()
    return person
