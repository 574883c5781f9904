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
from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from mentorhub.db.tenant_scope import all_organizations
from mentorhub.web.email import ACCOUNT_BUTTONS, Branding, email_message, render_email

from .languages import language_of_user
from .models import Membership, User


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # get_ip: the client address as allauth's own `ip` rates see it (trusted proxies, IPv6 by /64).
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|{get_ip(request)}"

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """allauth's emails as ours (mentorhub/web/email.py): allauth's words, in the recipient's language,
        become the paragraphs of account/email/message.html, whose render is the HTML part and, read as text,
        the plain part; the link to follow (confirm the address, reset the password) is the primary button."""
        to = [email] if isinstance(email, str) else email
        language = _language_of(to, context)
        with translation.override(language):
            subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
            subject = self.format_email_subject(subject)
            text = render_to_string(f"{template_prefix}_message.txt", context, context.get("request")).strip()
            button = next(
                ((context[key], label) for key, label in ACCOUNT_BUTTONS.items() if context.get(key)), ("", "")
            )
            rendered = render_email(
                "account/email/message.html",
                {
                    "subject": subject,
                    "paragraphs": [part.strip() for part in text.split("\n\n") if part.strip()],
                    "button_url": button[0],
                    "button_label": button[1],
                },
                branding=Branding(name="MentorHub"),
                language=language,
            )
        return email_message(rendered, to=to, headers=headers, from_email=self.get_from_email(), prefix=False)


def _language_of(to: list[str], context: dict[str, Any]) -> str:
    """The reader's language: their own choice, else their (first) organization's default."""
    user = context.get("user")
    if not isinstance(user, User) and to:
        user = User.objects.filter(email__iexact=to[0]).first()
    if not isinstance(user, User):
        return settings.LANGUAGE_CODE
    # The person's memberships in any organization (named: row-level security, docs/architecture.md).
    with all_organizations():
        membership = Membership.objects.filter(user=user).select_related("organization").order_by("pk").first()
    return language_of_user(user, membership.organization if membership is not None else None)
