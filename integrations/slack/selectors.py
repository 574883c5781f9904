"""Reads of the Slack app, each scoped to one organization in the query (the workspace lookup of a request
from Slack is the one read across organizations, named as such)."""

from __future__ import annotations

from mentorhub.accounts.models import Membership, Organization, User
from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import scoped

from .models import SlackInstallation, SlackMessage, SlackPerson


def installation_for(*, organization: Organization) -> SlackInstallation | None:
    return scoped(SlackInstallation, organization).select_related("installed_by").first()


def unscoped_installation_by_team(*, team_id: str) -> SlackInstallation | None:
    """Which organization a request from Slack is for: the workspace that installed the app (across
    organizations, before any is known; the caller activates the one found)."""
    if not team_id:
        return None
    with all_organizations():
        return SlackInstallation.objects.filter(team_id=team_id).select_related("organization").first()


def linked_people_count(*, organization: Organization) -> int:
    return scoped(SlackPerson, organization).exclude(slack_user_id="").count()


def message_for_slack_user(*, organization: Organization, message_id: int, slack_user_id: str) -> SlackMessage | None:
    """A message we sent, only when `slack_user_id` is the Slack user linked to the person it was for (in this
    organization): a forwarded or guessed id finds nothing."""
    if not slack_user_id:
        return None
    linked = scoped(SlackPerson, organization).filter(slack_user_id=slack_user_id).values("employee_id")
    return (
        scoped(SlackMessage, organization)
        .filter(pk=message_id, employee_id__in=linked)
        .select_related("employee")
        .first()
    )


def user_of_employee(*, organization: Organization, employee_id: int) -> User | None:
    """The account that acts for a roster row (its membership here), for the audit log; None without one."""
    membership = scoped(Membership, organization).filter(employee_id=employee_id).select_related("user").first()
    return membership.user if membership is not None else None


def person_for(*, organization: Organization, employee_id: int) -> SlackPerson | None:
    return scoped(SlackPerson, organization).filter(employee_id=employee_id).first()
