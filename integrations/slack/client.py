"""Talking to Slack's Web API: one WebClient per call, at the address in settings (SLACK_API_BASE_URL, so tests
point it at a local server), with the installation's bot token decrypted only here. The token is stored with
identity's encryption of organization secrets (identity/crypto.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from slack_sdk import WebClient

from identity.crypto import secret_decrypt, secret_encrypt

from .models import SlackInstallation

# What the bot may do: write to people (DMs), find them by email, open the decline and comment dialogs.
BOT_SCOPES = ("chat:write", "im:write", "users:read", "users:read.email")
TIMEOUT_SECONDS = 10


def api_client(token: str = "") -> WebClient:
    base_url = settings.SLACK_API_BASE_URL
    return WebClient(
        token=token or None, base_url=base_url if base_url.endswith("/") else base_url + "/", timeout=TIMEOUT_SECONDS
    )


def bot_client(installation: SlackInstallation) -> WebClient:
    return api_client(secret_decrypt(installation.bot_token_encrypted))


def token_encrypt(token: str) -> str:
    return secret_encrypt(token)


def authorize_url(*, state: str, redirect_uri: str) -> str:
    """Slack's "Add to Slack" page for this app, asking for the bot scopes."""
    query = urlencode(
        {
            "client_id": settings.SLACK_CLIENT_ID,
            "scope": ",".join(BOT_SCOPES),
            "state": state,
            "redirect_uri": redirect_uri,
        }
    )
    return f"{settings.SLACK_AUTHORIZE_URL}?{query}"


def slack_configured() -> bool:
    return bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET and settings.SLACK_SIGNING_SECRET)
