"""People linked to their Slack user by the email on their roster row (users.lookupByEmail), kept in a table:
a hit is used as it is; a miss (not found, or never looked up) asks Slack again, at most once a day for a
person Slack did not know."""

from __future__ import annotations

from datetime import timedelta

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
