"""Sent emails read as a mail client reads them: the bytes a backend hands over, parsed by Python's email parser."""

from __future__ import annotations

import email
import io
import re
from email import policy
from email.message import EmailMessage as ParsedMessage
from html.parser import HTMLParser

from PIL import Image

URL = re.compile(r"https?://\S+")


def parse(message) -> ParsedMessage:
    """What a mail client sees of a message of mail.outbox."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def parts(message) -> tuple[ParsedMessage, str, str]:
    """The parsed message, its plain text and its HTML; both parts must be there, as multipart/alternative."""
    parsed = parse(message)
    alternative = parsed if parsed.get_content_type() == "multipart/alternative" else None
    if alternative is None:  # with an .ics: multipart/mixed around the alternative
        alternative = next(p for p in parsed.walk() if p.get_content_type() == "multipart/alternative")
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html"], types
    plain, html = (part.get_content() for part in alternative.iter_parts())
    return parsed, plain, html


class Links(HTMLParser):
    """Every link, image and the primary button of an HTML part, and the html element's lang."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.button: dict[str, str | None] | None = None
        self.button_text = ""
        self.lang = ""
        self._in_button = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        marks = dict(attrs)
        if tag == "html":
            self.lang = marks.get("lang") or ""
        if tag == "a":
            self.hrefs.append(marks.get("href") or "")
            if marks.get("data-text") == "button":
                self.button, self._in_button = marks, True
        if tag == "img":
            self.images.append(marks)

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_button = False

    def handle_data(self, data):
        if self._in_button:
            self.button_text += data


def sentences(text: str, *, leave_out: list[str]) -> set[str]:
    """The sentences of a text (split at . : ? ! and line ends), without links and the given names (a name or a
    program's name is the same in every language)."""
    text = URL.sub(" ", text)
    for word in leave_out:
        text = text.replace(word, " ")
    found = set()
    for piece in re.split(r"[.:?!;()\n]+", text):
        words = re.findall(r"[^\W\d_]{2,}", piece)
        if len(words) >= 3:  # a sentence, not a lone word such as a name or "MentorHub"
            found.add(" ".join(piece.split()))
    return found


def png(width: int = 120, height: int = 40, colour: str = "#0a7d4f", kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, kind)
    return buffer.getvalue()
