"""The bot's calls to the Bot Framework Connector (REST API v3): its own token by client credentials, a new
message in a conversation, a message updated in place, and a conversation member (their email address).

The service URL is the one the Connector signed in an activity's token (auth.py), stored with the person's
conversation reference: never an address a person typed."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.cache import cache

TIMEOUT = 10
TOKEN_MARGIN_SECONDS = 300  # a token is used until five minutes before it expires


class ConnectorError(Exception):
    """The Connector (or the token endpoint) refused or did not answer."""


def _token_cache_key() -> str:
    # The deployment's one bot: no organization in it (the token opens no organization's data).
    return f"teams:bot-token:{settings.TEAMS_APP_ID}:{settings.TEAMS_TOKEN_URL}"


def bot_token() -> str:
    cached = cache.get(_token_cache_key())
    if cached:
        return str(cached)
    try:
        answer = requests.post(
            settings.TEAMS_TOKEN_URL,
            data={
                "grant_type": "client_credentials",
                "client_id": settings.TEAMS_APP_ID,
                "client_secret": settings.TEAMS_APP_PASSWORD,
                "scope": settings.TEAMS_TOKEN_SCOPE,
            },
            timeout=TIMEOUT,
        )
        answer.raise_for_status()
        body = answer.json()
        token = str(body["access_token"])
        lifetime = int(body.get("expires_in", 3600))
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise ConnectorError(f"No bot token: {type(error).__name__}") from None
    if lifetime > TOKEN_MARGIN_SECONDS:
        cache.set(_token_cache_key(), token, lifetime - TOKEN_MARGIN_SECONDS)
    return token


def forget_token() -> None:
    cache.delete(_token_cache_key())


def _conversation_url(service_url: str, conversation_id: str, *rest: str) -> str:
    parts = [quote(conversation_id, safe=""), *(quote(part, safe="") for part in rest)]
    return f"{service_url.rstrip('/')}/v3/conversations/" + "/".join(parts)


def _call(method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        answer = requests.request(
            method, url, json=body, headers={"Authorization": f"Bearer {bot_token()}"}, timeout=TIMEOUT
        )
        if answer.status_code == 401:  # revoked or rotated: one fresh token, once
            forget_token()
            answer = requests.request(
                method, url, json=body, headers={"Authorization": f"Bearer {bot_token()}"}, timeout=TIMEOUT
            )
        answer.raise_for_status()
        return answer.json() if answer.content else {}
    except requests.RequestException as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        raise ConnectorError(f"The Bot Connector answered {status or type(error).__name__}") from None
    except ValueError:
        return {}


def card_activity(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def send_card(service_url: str, conversation_id: str, card: dict[str, Any]) -> str:
    """Post a card to the conversation; the new message's id."""
    answer = _call("POST", _conversation_url(service_url, conversation_id, "activities"), card_activity(card))
    return str(answer.get("id", ""))


def update_card(service_url: str, conversation_id: str, activity_id: str, card: dict[str, Any]) -> None:
    """Replace a message's card (the outcome of a click)."""
    activity = card_activity(card) | {"id": activity_id}
    _call("PUT", _conversation_url(service_url, conversation_id, "activities", activity_id), activity)


def send_text(service_url: str, conversation_id: str, text: str) -> None:
    _call("POST", _conversation_url(service_url, conversation_id, "activities"), {"type": "message", "text": text})


def conversation_member(service_url: str, conversation_id: str, user_id: str) -> dict[str, Any]:
    """The member as Teams knows them: id, name, aadObjectId, email, userPrincipalName, tenantId."""
    return _call("GET", _conversation_url(service_url, conversation_id, "members", user_id))
