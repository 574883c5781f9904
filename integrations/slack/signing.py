"""Is a request really from Slack? Slack signs every request to the interactivity and events URLs: the
X-Slack-Signature header is "v0=" + HMAC-SHA256 of "v0:{timestamp}:{body}" under the app's signing secret, and
X-Slack-Request-Timestamp says when. Refused: a wrong signature, a timestamp more than 5 minutes away from now,
and a request seen before (a replay, remembered in the cache for the window: its signature is unique)."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 5 * 60


def signature_of(*, secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_verified(*, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None) -> bool:
    """True once for a request Slack signed in the last 5 minutes; False for anything else, and for the same
    request again."""
    secret = settings.SLACK_SIGNING_SECRET
    if not secret or not timestamp or not signature or not timestamp.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        return False
    if not hmac.compare_digest(signature_of(secret=secret, timestamp=timestamp, body=body), signature):
        return False
    # Not scoped by organization: the request names its workspace only in the body, read after this check.
    # cache.add is atomic (Redis SET NX): of two copies of one request, exactly one passes.
    return bool(cache.add(f"slack:seen:{hashlib.sha256(signature.encode()).hexdigest()}", 1, WINDOW_SECONDS * 2))
