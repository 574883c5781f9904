"""allauth's social-account adapter for per-organization SSO (being built: see identity/models.py)."""

from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class SsoSocialAccountAdapter(DefaultSocialAccountAdapter):
    pass
