"""The email of a rendered reminder, written straight to its wire form.

The dispatcher sends thousands of these a second (bench/reminders.py). Django's `EmailMessage.message()` builds
MIME objects and the email package folds every header again each time it serialises one: about half a
millisecond a message, most of a sender's time. A reminder is plain text with a fixed set of headers, so it
is written here directly: the headers that never change in a process (the MIME type, From) are folded once
and cached, and the per-message ones (Subject, To, Date, Message-ID, List-Unsubscribe) go through a folder
that leaves a header alone when it fits on its line, the usual case. What comes out says the same as
Django's message (tests/sessions/test_reminder_mail.py parses both and compares them); what this writer does
not handle (attachments such as the .ics of an invitation, non-ASCII addresses, body lines past 998 bytes)
takes Django's own path.
"""

from __future__ import annotations

import base64
import re
from email import generator, message_from_bytes
from email.message import Message
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, make_msgid
from functools import cached_property, lru_cache
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.core.mail.message import ADDRESS_HEADERS, RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers
from django.core.mail.utils import DNS_NAME

from mentorhub.accounts.models import Organization

from .. import ics, messages
from ..models import Reminder

MAX_LINE = 78  # where the email package folds (RFC 5322's recommended line length)
MAX_WORD = 75  # RFC 2047: an encoded word is at most 75 characters
WORD_FRAME = len("=?utf-8?b??=")
# A value that folding cannot split (no blank, comma or semicolon). The email package puts it whole on the
# name's line when it fits, else alone on the next line (a long List-Unsubscribe); so does fold().
UNSPLITTABLE = re.compile(r"[!-+\--:<-~]+")
WORDS = re.compile(r"[ \t]*[^ \t]+|[ \t]+$")


def fold(name: str, value: str) -> str:
    """`Name: value` and its line end, folded at blanks past 78 characters; a non-ASCII value (a name from
    the roster in a subject) as RFC 2047 encoded words. A line break in a value is refused, as Django does:
    it would be a header injection."""
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for header {name!r})")
    if not value.isascii():
        if name.lower() in ADDRESS_HEADERS:
            return _fold_like_django(name, value)  # international addresses: IDNA, encoded display names
        return _encoded_words(name, value)
    if len(name) + 2 + len(value) <= MAX_LINE:
        return f"{name}: {value}\n"
    if UNSPLITTABLE.fullmatch(value):
        return f"{name}: \n {value}\n"
    lines = [f"{name}:"]
    # Each piece after the first starts with the blank a line may be folded at (RFC 5322 2.2.3: unfolding
    # removes only the line break, so the text is unchanged).
    for piece in WORDS.findall(value):
        if len(lines) == 1 and lines[0] == f"{name}:":
            lines[0] += " " + piece
        elif len(lines[-1]) + len(piece) <= MAX_LINE or not piece.strip():
            lines[-1] += piece
        else:
            lines.append(piece)
    return "\n".join(lines) + "\n"


def _encoded_words(name: str, value: str) -> str:
    data = value.encode("utf-8")
    words = []
    room = MAX_LINE - len(name) - 2
    start = 0
    while start < len(data):
        budget = max((min(room, MAX_WORD) - WORD_FRAME) // 4 * 3, 6)
        end = min(len(data), start + budget)
        while end < len(data) and data[end] & 0xC0 == 0x80:  # never split a character between two words
            end -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[start:end]).decode('ascii')}?=")
        start = end
        room = MAX_LINE - 1
    # Blanks between encoded words are not part of the text (RFC 2047 6.2): the words join up again.
    return f"{name}: " + "\n ".join(words) + "\n"


def _fold_like_django(name: str, value: str) -> str:
    return compat32.fold(*forbid_multi_line_headers(name, value, "utf-8"))


# The headers every reminder of a process shares, folded once.
MIME_HEADERS = {
    ascii_body: 'Content-Type: text/plain; charset="utf-8"\nMIME-Version: 1.0\n'
    f"Content-Transfer-Encoding: {'7bit' if ascii_body else '8bit'}\n"
    for ascii_body in (True, False)
}


@lru_cache(maxsize=16)
def _from_header(from_email: str) -> str:
    return fold("From", from_email)


class PrefoldedEmail(EmailMessage):
    """An EmailMessage (backends, tests and mail.outbox see the usual attributes) whose `message()` is
    written directly when it is plain text without attachments, in the same header order as Django's."""

    def message(self, **options: Any) -> Any:
        # Options (a newer Django's `policy`) ask for the email package's own message: Django writes it.
        raw = None if options else self._wire_form()
        return super().message(**options) if raw is None else WireMessage(raw)

    def _wire_form(self) -> bytes | None:
        encoding = self.encoding or settings.DEFAULT_CHARSET
        if self.attachments or self.cc or self.reply_to or self.content_subtype != "plain":
            return None
        if encoding.lower() != "utf-8":
            return None
        body = self.body.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
        if len(body) > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
            len(line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in body.split(b"\n")
        ):
            return None  # Django quotes such a body (quoted-printable)
        names = {name.lower() for name in self.extra_headers}
        head = [
            MIME_HEADERS[body.isascii()],
            fold("Subject", str(self.subject)),
            _from_header(str(self.extra_headers.get("From", self.from_email))),
        ]
        if self.to:  # a "To" of the extra headers shows instead of the recipients, as in Django's
            head.append(fold("To", str(self.extra_headers.get("To", ", ".join(str(to) for to in self.to)))))
        if "date" not in names:
            head.append(fold("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
        if "message-id" not in names:
            head.append(fold("Message-ID", make_msgid(domain=DNS_NAME)))
        for name, value in self.extra_headers.items():
            if name.lower() not in {"from", "to", "cc", "reply-to"}:
                head.append(fold(name, str(value)))
        return "".join(head).encode("ascii") + b"\n" + body


class WireMessage:
    """What PrefoldedEmail.message() returns: the message's bytes, written once. Backends ask for them with
    as_bytes() (the SMTP backend with CRLF line ends); anything else one may ask of a message (a header, the
    payload, walk()) is answered by the parsed message."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        if unixfrom:
            return self.parsed.as_bytes(unixfrom=True, policy=compat32.clone(linesep=linesep))
        return self.raw if linesep == "\n" else self.raw.replace(b"\n", linesep.encode("ascii"))

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        out = StringIO()
        generator.Generator(out, mangle_from_=False).flatten(self.parsed, unixfrom=unixfrom, linesep=linesep)
        return out.getvalue()

    @cached_property
    def parsed(self) -> Message:
        return message_from_bytes(self.raw)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("raw", "parsed"):  # copying or unpickling: no parse
            raise AttributeError(name)
        return getattr(self.parsed, name)

    def __getitem__(self, name: str) -> Any:
        return self.parsed[name]

    def __contains__(self, name: str) -> bool:
        return name in self.parsed


@lru_cache(maxsize=4)
def _site(site_url: str) -> tuple[str, str]:
    """The site's address and host name, worked out once per SITE_URL rather than once per email."""
    return ics.base_url(), ics.site_domain()


def reminder_email(
    organization: Organization, reminder: Reminder, message: messages.Message, *, unsubscribe: str
) -> EmailMessage:
    """The email of a rendered reminder: plain text, the page's link, a one-click unsubscribe for its
    category (RFC 8058), a Message-ID fixed by the reminder, and the .ics when there is one."""
    base, domain = _site(getattr(settings, "SITE_URL", ""))
    category = messages.CATEGORY_OF_KIND.get(reminder.kind, "")
    label = messages.CATEGORIES.get(category, ("these emails",))[0].lower() if category else "these emails"
    body = (
        f"Hello {reminder.recipient.name},\n\n{message.body}\n\nOpen it in MentorHub: {base}{message.path}\n\n"
        f"--\nYou get this email because you take part in mentoring at {organization.name}.\n"
        f"Stop emails like this one ({label}): {unsubscribe}\n"
    )
    # One line, whatever a name imported from a roster holds (a line break would be a header injection, and
    # Django refuses it).
    subject = " ".join(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{message.subject}".split())
    email = PrefoldedEmail(
        subject=subject,
        body=body,
        to=[reminder.recipient.email],
        headers={
            "Message-ID": f"<reminder.{organization.pk}.{reminder.pk}@{domain}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.ics:
        part = MIMEText(message.ics.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", message.ics_method or "REQUEST")
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        email.attach(part)
    return email
