"""The email of a rendered reminder, written straight to its wire form: HTML with its plain-text part.

The dispatcher sends thousands of these a second (bench/reminders.py). Django's `EmailMessage.message()` builds
MIME objects and the email package folds every header again each time it serialises one: about half a
millisecond a message, most of a sender's time. A reminder is plain text with a fixed set of headers, so it
is written here directly: the headers that never change in a process (the MIME type, From) are folded once
and cached, and the per-message ones (Subject, To, Date, Message-ID, List-Unsubscribe) go through a folder
that leaves a header alone when it fits on its line, the usual case. What comes out says the same as
Django's message (tests/sessions/test_reminder_mail.py parses both and compares them); what this writer does
not handle (attachments such as the .ics of an invitation, non-ASCII addresses, body lines past 998 bytes)
takes Django's own path.

Its HTML and text come from one template, sessions/email/reminder.html (the layout of every email,
mentorhub/web/email.py), rendered once per organization's branding and language (`reminder_layout`, cached)
with markers where each message's values go: the text part is read from that same render, and each email
fills the markers in (escaped in the HTML), so no template runs per email.
"""

from __future__ import annotations

import base64
import html
import re
import secrets
from dataclasses import dataclass
from email import generator, message_from_bytes
from email.message import Message
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, make_msgid
from functools import cached_property, lru_cache
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives
from django.core.mail.message import ADDRESS_HEADERS, RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers
from django.core.mail.utils import DNS_NAME
from django.utils import translation
from django.utils.translation import gettext

from mentorhub.accounts.branding import branding_of
from mentorhub.accounts.models import Organization
from mentorhub.web.email import Branding, html_to_text, render_email

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


# A part of multipart/alternative, as Django writes it.
PART_HEADERS = {
    (subtype, ascii_body): f'Content-Type: text/{subtype}; charset="utf-8"\nMIME-Version: 1.0\n'
    f"Content-Transfer-Encoding: {'7bit' if ascii_body else '8bit'}\n"
    for subtype in ("plain", "html")
    for ascii_body in (True, False)
}
# One boundary per process, of Django's (the email package's) shape; a message that holds it takes Django's path.
BOUNDARY = f"==============={secrets.randbelow(10**19):019d}=="
MULTIPART_HEADER = f'Content-Type: multipart/alternative;\n boundary="{BOUNDARY}"\nMIME-Version: 1.0\n'


@lru_cache(maxsize=16)
def _from_header(from_email: str) -> str:
    return fold("From", from_email)


BOUNDARY_BYTES = BOUNDARY.encode("ascii")


def _too_long(body: bytes) -> bool:
    return (
        len(body) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        and max(map(len, body.split(b"\n"))) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
    )


class PrefoldedEmail(EmailMultiAlternatives):
    """An EmailMultiAlternatives (backends, tests and mail.outbox see the usual attributes) whose `message()`
    is written directly when it is plain text, or text with one HTML alternative, without attachments, in the
    same header order as Django's."""

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
        if _too_long(body):
            return None  # Django quotes such a body (quoted-printable)
        alternative = None
        if self.alternatives:
            if len(self.alternatives) != 1 or self.alternatives[0][1] != "text/html" or not self.body:
                return None
            content = str(self.alternatives[0][0])
            if "\r" in content:
                content = content.replace("\r\n", "\n").replace("\r", "\n")
            alternative = content.encode("utf-8")
            if _too_long(alternative) or BOUNDARY_BYTES in body or BOUNDARY_BYTES in alternative:
                return None
        names = {name.lower() for name in self.extra_headers}
        head = [
            MIME_HEADERS[body.isascii()] if alternative is None else MULTIPART_HEADER,
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
        if alternative is None:
            return "".join(head).encode("ascii") + b"\n" + body
        separator = f"\n--{BOUNDARY}\n".encode("ascii")
        return b"".join(
            [
                "".join(head).encode("ascii"),
                separator[1:],
                PART_HEADERS["plain", body.isascii()].encode("ascii"),
                b"\n",
                body,
                separator,
                PART_HEADERS["html", alternative.isascii()].encode("ascii"),
                b"\n",
                alternative,
                f"\n--{BOUNDARY}--\n".encode("ascii"),
            ]
        )


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


# Where each message's values go in the rendered layout.
SLOTS = ("subject", "name", "paragraph", "button_url", "button_label", "unsubscribe_url", "category")
MARK = {slot: f"@@mh-{slot}@@" for slot in SLOTS}
MARKS = re.compile(r"@@mh-(\w+)@@")


@dataclass(frozen=True)
class ReminderLayout:
    """The reminder template rendered once, cut at its markers: even items are literal text, odd items name
    the value that goes there. `paragraph` is the HTML around one paragraph of the message's text."""

    html: tuple[str, ...]
    text: tuple[str, ...]
    paragraph: tuple[str, str]

    def fill_html(self, values: dict[str, str]) -> str:
        return _fill(self.html, values)

    def fill_text(self, values: dict[str, str]) -> str:
        return _fill(self.text, values)


def _fill(pieces: tuple[str, ...], values: dict[str, str]) -> str:
    parts = list(pieces)
    parts[1::2] = [values[name] for name in pieces[1::2]]
    return "".join(parts)


@lru_cache(maxsize=128)
def reminder_layout(branding: Branding, language: str) -> ReminderLayout:
    """The layout of every reminder of one organization's look in one language (the batch's, and the next
    batches' while the branding stays the same)."""
    rendered = render_email(
        "sessions/email/reminder.html",
        {
            "subject": MARK["subject"],
            "name": MARK["name"],
            "paragraphs": [MARK["paragraph"]],
            "button_url": MARK["button_url"],
            "button_label": MARK["button_label"],
            "unsubscribe_url": MARK["unsubscribe_url"],
            "category": MARK["category"],
        },
        branding=branding,
        language=language,
    )
    page = rendered.html
    mark = page.index(MARK["paragraph"])
    start, end = page.rindex("<p", 0, mark), page.index("</p>", mark) + len("</p>")
    while end < len(page) and page[end] == "\n":
        end += 1
    prefix, suffix = page[start:mark], page[mark + len(MARK["paragraph"]) : end]
    page = page[:start] + MARK["paragraph"] + page[end:]
    return ReminderLayout(
        html=tuple(MARKS.split(page)), text=tuple(MARKS.split(html_to_text(page))), paragraph=(prefix, suffix)
    )


@lru_cache(maxsize=256)
def _labels(kind: str, language: str) -> tuple[str, str]:
    """The category a kind of reminder belongs to (for "stop emails like this one") and its button, in a
    language."""
    category = messages.CATEGORY_OF_KIND.get(kind, "")
    with translation.override(language):
        label = str(messages.CATEGORIES[category][0] if category in messages.CATEGORIES else gettext("these emails"))
        button = str(messages.BUTTONS.get(kind, messages.DEFAULT_BUTTON))
    return (label.lower() if language == "en" else label), button


def _paragraphs(body: str) -> list[str]:
    return [part.strip("\n") for part in body.replace("\r\n", "\n").split("\n\n") if part.strip()]


def reminder_email(
    organization: Organization,
    reminder: Reminder,
    message: messages.Message,
    *,
    unsubscribe: str,
    language: str | None = None,
    branding: Branding | None = None,
) -> EmailMessage:
    """The email of a rendered reminder: HTML and plain text from the reminder template in the recipient's
    `language` (the message itself was rendered in it), the page's link as the primary button, a one-click
    unsubscribe for its category (RFC 8058), a Message-ID fixed by the reminder, and the .ics when there is
    one. `branding` is the organization's (passed by the dispatcher, once per batch)."""
    base, domain = _site(getattr(settings, "SITE_URL", ""))
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    layout = reminder_layout(branding or branding_of(organization), language)
    label, button = _labels(reminder.kind, language)
    button = message.button or button
    paragraphs = _paragraphs(message.body)
    name = reminder.recipient.name
    url = f"{base}{message.path}"
    text = layout.fill_text(
        {
            "subject": message.subject,
            "name": name,
            "paragraph": "\n\n".join(paragraphs),
            "button_url": url,
            "button_label": button,
            "unsubscribe_url": unsubscribe,
            "category": label,
        }
    )
    prefix, suffix = layout.paragraph
    escape = html.escape
    page = layout.fill_html(
        {
            "subject": escape(message.subject),
            "name": escape(name),
            "paragraph": "".join(f"{prefix}{escape(p).replace(chr(10), '<br>' + chr(10))}{suffix}" for p in paragraphs),
            "button_url": escape(url),
            "button_label": escape(button),
            "unsubscribe_url": escape(unsubscribe),
            "category": escape(label),
        }
    )
    # One line, whatever a name imported from a roster holds (a line break would be a header injection, and
    # Django refuses it).
    subject = " ".join(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{message.subject}".split())
    email = PrefoldedEmail(
        subject=subject,
        body=text,
        to=[reminder.recipient.email],
        headers={
            "Message-ID": f"<reminder.{organization.pk}.{reminder.pk}@{domain}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(page, "text/html")
    if message.ics:
        part = MIMEText(message.ics.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", message.ics_method or "REQUEST")
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        email.attach(part)
    return email
