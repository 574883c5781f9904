"""The Teams app's personal data, for the registry accounts owns (docs/privacy.md), registered from
IntegrationsConfig.ready(). Erasure removes the person's link to the bot and the cards they were sent: the
notices themselves stay where their apps keep them."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import (
    Kind,
    PersonalData,
    register_not_personal,
    register_personal_data,
    removed,
)

from .models import TeamsCard, TeamsLink

ENTRIES = (
    PersonalData(
        TeamsLink,
        "Your Microsoft Teams account, linked to MentorHub's bot",
        about=("employee",),
        remove_for=("employee",),
        context=("service_url", "linked_at"),
        fields=(
            removed("teams_user_id", Kind.IDENTIFIER),
            removed("aad_object_id", Kind.IDENTIFIER),
            removed("conversation_id", Kind.CONTACT),
        ),
    ),
    PersonalData(
        TeamsCard,
        "Cards MentorHub's bot sent you in Microsoft Teams",
        about=("employee",),
        remove_for=("employee",),
        context=("kind", "status", "sent_at", "acted_at"),
        fields=(
            removed("title", Kind.FREE_TEXT),
            removed("outcome", Kind.FREE_TEXT),
            removed("conversation_id", Kind.CONTACT),
        ),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(
        TeamsCard,
        activity_id="the message's id in the Teams conversation: a system identifier",
        service_url="the Bot Framework Connector's address for the person's region: Microsoft's, the same for many",
        note="why a card could not be sent: system text",
        kind="which notice a card is for (match_proposed, session_invite, ...): a code",
    )
    register_not_personal(
        TeamsLink, service_url="the Bot Framework Connector's address for the person's region: Microsoft's"
    )
