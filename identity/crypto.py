"""Secrets an organization gives us (an OIDC client secret) are stored encrypted, never shown again.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from SSO_SECRETS_KEY, else from SECRET_KEY (HKDF, a
purpose-specific salt), so a database dump alone does not reveal them. Rotating the key makes stored
secrets unreadable: the admin pastes them again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_SALT = b"mentorhub.identity.sso-secrets"


def _fernet() -> Fernet:
    material = (getattr(settings, "SSO_SECRETS_KEY", "") or settings.SECRET_KEY).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"fernet").derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def secret_encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode() if plaintext else ""


def secret_decrypt(ciphertext: str) -> str:
    """The stored secret, or "" when there is none or it was encrypted under another key."""
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return ""
