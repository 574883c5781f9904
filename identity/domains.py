"""Email domains an organization claims for single sign-on: what counts as one, written the one way.

A domain is stored lowercase, in its ASCII (IDNA / punycode) form, without a trailing dot, so "Exämple.COM.",
"https://exämple.com/" and "@exämple.com" are the same claim. Public mail providers are never claimed: their
addresses belong to individuals, not to an organization.

A claim counts only once the organization proved it owns the domain: it publishes a TXT record named
`_mentorhub-challenge.<domain>` with the value `mentorhub-domain-verification=<its claim's token>`, and
`domain_txt_verify` looks that record up (dnspython; the resolvers of the setting SSO_DNS_NAMESERVERS, a list
of "host:port", else the system's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import dns.exception
import dns.nameserver
import dns.resolver
import idna
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

CHALLENGE_PREFIX = "_mentorhub-challenge."
CHALLENGE_VALUE_PREFIX = "mentorhub-domain-verification="
DNS_TIMEOUT_SECONDS = 5.0

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
        raise ValidationError(gettext("Enter an email domain, such as example.com."))
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValidationError(gettext("“%(name)s” is not a valid domain name.") % {"name": value.strip()}) from None
    labels = ascii_form.split(".")
    if (
        len(ascii_form) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            gettext("“%(name)s” is not a valid domain name; enter one such as example.com.") % {"name": value.strip()}
        )
    if any(ascii_form == public or ascii_form.endswith("." + public) for public in PUBLIC_MAIL_DOMAINS):
        raise ValidationError(
            gettext(
                "%(domain)s is a public email service: its addresses belong to individuals, not to your "
                "organization, so it cannot be claimed. Claim your organization's own domain instead."
            )
            % {"domain": ascii_form}
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


def challenge_name(domain: str) -> str:
    """The name of the TXT record that proves ownership of `domain`."""
    return f"{CHALLENGE_PREFIX}{domain}"


def challenge_value(token: str) -> str:
    """The value of the TXT record for a claim's token."""
    return f"{CHALLENGE_VALUE_PREFIX}{token}"


def _nameserver(entry: str) -> dns.nameserver.Nameserver:
    """A "host:port" entry ("[::1]:53" for IPv6; the port defaults to 53) as dnspython's nameserver."""
    text = entry.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, "53"
    return dns.nameserver.Do53Nameserver(host, int(port))


def _timeout() -> float:
    """Seconds a lookup may take (5; the tests shorten it with the setting SSO_DNS_TIMEOUT_SECONDS)."""
    return float(getattr(settings, "SSO_DNS_TIMEOUT_SECONDS", DNS_TIMEOUT_SECONDS))


def _resolver(nameservers: Sequence[str] | None) -> dns.resolver.Resolver:
    if nameservers:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [_nameserver(entry) for entry in nameservers]
    else:
        resolver = dns.resolver.Resolver()  # the system's (/etc/resolv.conf)
    resolver.timeout = resolver.lifetime = _timeout()
    resolver.cache = None
    return resolver


def _txt_values(answer: dns.resolver.Answer) -> list[str]:
    """Each TXT record's text (a long record comes in several strings, joined)."""
    values = []
    for record in answer:
        strings = getattr(record, "strings", ())
        values.append(b"".join(strings).decode("utf-8", "replace").strip())
    return values


def domain_txt_verify(domain: str, token: str) -> None:
    """Nothing when `domain` publishes the TXT record for `token`; a ValidationError saying what was found
    (no such record, other values, no answer in time) otherwise."""
    name = challenge_name(domain)
    expected = challenge_value(token)
    publish = gettext("Publish a TXT record named %(name)s with the value %(value)s, then press Verify again.") % {
        "name": name,
        "value": expected,
    }
    try:
        resolver = _resolver(getattr(settings, "SSO_DNS_NAMESERVERS", None))
        answer = resolver.resolve(name, "TXT", search=False)
    except dns.resolver.NXDOMAIN:
        raise ValidationError(
            gettext(
                "No DNS record named %(name)s exists yet. %(publish)s DNS changes can take a few minutes to appear."
            )
            % {"name": name, "publish": publish}
        ) from None
    except dns.resolver.NoAnswer:
        raise ValidationError(
            gettext("%(name)s has no TXT record. %(publish)s") % {"name": name, "publish": publish}
        ) from None
    except dns.exception.Timeout:
        raise ValidationError(
            gettext(
                "The DNS servers did not answer in %(seconds)s seconds when looking up %(name)s. Try again in a moment."
            )
            % {"seconds": f"{_timeout():g}", "name": name}
        ) from None
    except dns.resolver.NoNameservers:
        raise ValidationError(
            gettext(
                "The DNS servers could not look up %(name)s (they answered with an error). Check the domain's DNS "
                "setup, then try again."
            )
            % {"name": name}
        ) from None
    except (dns.exception.DNSException, ValueError, OSError) as error:
        raise ValidationError(
            gettext("%(name)s could not be looked up (%(error)s). Try again later.")
            % {"name": name, "error": type(error).__name__}
        ) from None
    values = _txt_values(answer)
    if expected not in values:
        found = ", ".join(f"“{value[:80]}”" for value in values[:3])
        raise ValidationError(
            gettext("The TXT record %(name)s does not hold the expected value (found %(found)s). %(publish)s")
            % {"name": name, "found": found, "publish": publish}
        )
