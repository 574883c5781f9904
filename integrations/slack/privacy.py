"""The Slack app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from IntegrationsConfig.ready()."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import (
    Kind,
    PersonalData,
    register_personal_data,
    removed,
)

from .models import SlackMessage, SlackPerson

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
