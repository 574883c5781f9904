"""allauth's account adapter (settings ACCOUNT_ADAPTER): failed sign-ins are counted per account *from one
address*.

allauth counts failures per address (`ip` rates) and per key (`key` rates), the key being the login (the
email). Keyed by the email alone, five wrong passwords from anywhere lock the owner out everywhere: anyone can
keep a colleague out. Here the key is the email together with the address, so an attacker slows down only
their own address's attempts at that account; the owner signing in from elsewhere is never concerned. The
rates themselves (growing with repeated failures) are settings ACCOUNT_RATE_LIMITS["login_failed"].

The same key is cleared when a password reset completes (allauth calls this method with the resetting
request), so the owner behind the attacker's address (one office address) can always reset and sign in.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # get_ip: the client address as allauth's own `ip` rates see it (trusted proxies, IPv6 by /64).
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|{get_ip(request)}"
