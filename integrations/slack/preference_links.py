"""The link to "My Slack messages" on sessions' notification preferences page (sessions/extensions.py,
`register_preference_links`, filled in integrations' AppConfig.ready()): shown while the organization has the
Slack app installed, so people find the switch for MentorHub's Slack messages where they set their emails."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped
from sessions.extensions import PreferenceLink

from .models import SlackInstallation


def slack_preference_links(organization: Organization, employee: Employee) -> list[PreferenceLink]:
    if not scoped(SlackInstallation, organization).exists():
        return []
    return [
        PreferenceLink(
            text=_("My Slack messages"),
            url=reverse("slack-my-messages", kwargs={"org_slug": organization.slug}),
            hint=_("Whether MentorHub sends you messages in Slack."),
        )
    ]
