"""The Slack app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from IntegrationsConfig.ready()."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import (
    Kind,
    PersonalData,
    register_not_personal,
    register_personal_data,
    removed,
)

from .models import SlackInstallation, SlackMessage, SlackPerson

ENTRIES = (
    PersonalData(
        SlackPerson,
        "Your Slack user, found by your email",
        about=("employee",),
        remove_for=("employee",),
        context=("looked_up_at",),
        fields=(removed("slack_user_id", Kind.IDENTIFIER), removed("dms_off", Kind.MEMBERSHIP)),
    ),
    PersonalData(
        SlackMessage,
        "Slack messages MentorHub sent you, and what you answered with their buttons",
        about=("employee",),
        remove_for=("employee",),
        context=("kind", "status", "created_at", "sent_at"),
        fields=(removed("text", Kind.FREE_TEXT), removed("outcome", Kind.ANSWERS), removed("channel", Kind.CONTACT)),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(
        SlackInstallation,
        app_id="the Slack app's id: the deployment's, a system identifier",
        bot_token_encrypted="the bot token (encrypted): the workspace's credential, not a person's",  # noqa: S106
        bot_user_id="the bot's own Slack user id, not a person's",
        scopes="what the bot may do in Slack: configuration",
        team_id="the Slack workspace's id: the organization's",
        team_name="the Slack workspace's name: the organization's",
    )
    register_not_personal(
        SlackMessage,
        kind="which notice a message is for (match_proposed, session_invite, ...): a code",
        note="why a message was not sent: system text",
        ts="the message's id in Slack: a system identifier",
    )
