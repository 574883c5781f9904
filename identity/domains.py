"""Email domains an organization claims for single sign-on: what counts as one, written the one way.

A domain is stored lowercase, in its ASCII (IDNA / punycode) form, without a trailing dot, so "Exämple.COM.",
"https://exämple.com/" and "@exämple.com" are the same claim. Public mail providers are never claimed: their
addresses belong to individuals, not to an organization.
"""

from __future__ import annotations

import re

import idna
from django.core.exceptions import ValidationError

# Domains of public (consumer) mail services. Claiming one would send strangers to an organization's IdP.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
        "tuta.io",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
    }
)

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def domain_normalize(value: str) -> str:
    """The domain as stored, from what an admin typed; a ValidationError saying what is wrong otherwise."""
    text = (value or "").strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)  # a pasted URL: keep its host
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]  # "@example.com" or a whole address
    text = text.split(":", 1)[0].rstrip(".")  # a port, the root's dot
    if not text:
        raise ValidationError("Enter an email domain, such as example.com.")
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValidationError(f"“{value.strip()}” is not a valid domain name.") from None
    labels = ascii_form.split(".")
    if (
        len(ascii_form) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(f"“{value.strip()}” is not a valid domain name; enter one such as example.com.")
    if any(ascii_form == public or ascii_form.endswith("." + public) for public in PUBLIC_MAIL_DOMAINS):
        raise ValidationError(
            f"{ascii_form} is a public email service: its addresses belong to individuals, not to your "
            "organization, so it cannot be claimed. Claim your organization's own domain instead."
        )
    return ascii_form


def domain_of_email(email_or_domain: str) -> str | None:
    """The stored form of an address's domain (or of a domain), or None when it is not a valid one."""
    text = (email_or_domain or "").strip().lower().rsplit("@", 1)[-1].rstrip(".")
    if not text:
        return None
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None
    return ascii_form if len(ascii_form) <= 253 else None
