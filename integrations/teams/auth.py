"""Who may post to the bot's messaging endpoint: the Bot Framework Connector, proven by the JWT in the
Authorization header of every activity (Microsoft's "Authenticate requests from the Bot Connector service").

The token must be signed (RS256) by a key of the JWKS that the OpenID metadata document names
(settings.TEAMS_OPENID_METADATA_URL), issued by settings.TEAMS_TOKEN_ISSUER, for our bot (audience = the app
id), not expired (five minutes of clock skew, as the Connector allows), and its `serviceurl` claim must be the
activity's serviceUrl: the address we answer to is the one Microsoft signed. A key that lists endorsements must
endorse the activity's channel. Implemented with PyJWT rather than botframework-connector, whose msal needs an
older cryptography than ours (requirements.txt).
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import requests
from django.conf import settings

CLOCK_SKEW_SECONDS = 300
KEYS_TTL_SECONDS = 24 * 3600
REFRESH_AT_MOST_EVERY = 60  # an unknown key id reloads the JWKS, but not on every request
FETCH_TIMEOUT = 5


class TeamsAuthError(Exception):
    """The activity is not from the Bot Framework Connector for our bot (the endpoint answers 401)."""


# metadata URL -> (loaded at, {kid: jwk}); the deployment's one bot, so no organization in the key.
_keys: dict[str, tuple[float, dict[str, dict[str, Any]]]] = {}


def _load_keys(metadata_url: str) -> dict[str, dict[str, Any]]:
    try:
        metadata = requests.get(metadata_url, timeout=FETCH_TIMEOUT).json()
        jwks = requests.get(metadata["jwks_uri"], timeout=FETCH_TIMEOUT).json()
        keys = {key["kid"]: key for key in jwks["keys"] if key.get("kid")}
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise TeamsAuthError(f"The signing keys could not be loaded: {type(error).__name__}") from None
    _keys[metadata_url] = (time.monotonic(), keys)
    return keys


def signing_key(kid: str) -> dict[str, Any] | None:
    url = settings.TEAMS_OPENID_METADATA_URL
    loaded_at, keys = _keys.get(url, (0.0, {}))
    age = time.monotonic() - loaded_at
    if not keys or age > KEYS_TTL_SECONDS or (kid not in keys and age > REFRESH_AT_MOST_EVERY):
        keys = _load_keys(url)
    return keys.get(kid)


def forget_keys() -> None:
    """Drop the cached keys (the Connector rotated them; tests serve their own)."""
    _keys.clear()


def activity_claims(authorization: str, activity: dict[str, Any]) -> dict[str, Any]:
    """The verified claims of the request's token, or TeamsAuthError."""
    app_id = settings.TEAMS_APP_ID
    if not app_id:
        raise TeamsAuthError("The Teams app is not configured.")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise TeamsAuthError("No bearer token.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TeamsAuthError("Not a JWT.") from None
    if header.get("alg") != "RS256":
        raise TeamsAuthError("Unexpected signing algorithm.")
    key = signing_key(str(header.get("kid", "")))
    if key is None:
        raise TeamsAuthError("Unknown signing key.")
    # Only Microsoft Teams: another Bot Framework channel (Direct Line, Web Chat) lets its client write `from`
    # and `channelData`, which name the person and the tenant.
    if activity.get("channelId") != "msteams":
        raise TeamsAuthError("Not an activity from Microsoft Teams.")
    endorsements = key.get("endorsements")
    if endorsements is not None and activity.get("channelId") not in endorsements:
        raise TeamsAuthError("The key does not endorse this channel.")
    try:
        public_key = jwt.PyJWK(key, algorithm="RS256").key
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["RS256"],
            audience=app_id,
            issuer=settings.TEAMS_TOKEN_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise TeamsAuthError(f"Invalid token: {type(error).__name__}") from None
    service_url = claims.get("serviceurl") or claims.get("serviceUrl")
    if not service_url or service_url.rstrip("/") != str(activity.get("serviceUrl", "")).rstrip("/"):
        raise TeamsAuthError("The token is for another service URL.")
    return claims
