"""Emails people recognise: every message is ONE template, rendered once as HTML, and its plain-text part is
derived from that same render (`html_to_text`), so the two parts cannot say different things.

A message template extends `email/base.html` (the organization's name, logo and colour, a primary button, the
footer) and fills its blocks: `subject` (the `<title>`, which becomes the Subject header), `content`, and
`button_url` / `button_label` in its context for the primary action. The text part follows fixed rules
(`html_to_text`): paragraphs and table rows are separated by a blank line, `<br>` breaks a line, a link reads
"label (address)", one marked `data-text="href"` its address alone, and the primary button "label: address" on
its own line; whatever is marked `data-text="skip"` (the logo) is left out.

The organization's look comes in a `Branding`: its name, the absolute address of its logo, its colour
(#rrggbb) and the button's text colour, black or white, whichever contrasts more (WCAG 2 relative luminance:
the better of the two is always at least 4.5:1, AA for normal text). Links in the text keep the brand colour
only where it reads on white at 4.5:1.

This module imports no app: callers build the Branding (mentorhub/accounts/branding.py) and choose the language
(mentorhub/accounts/languages.py); rendering happens inside `translation.override(language)`, the subject too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

DEFAULT_COLOUR = "#1f5fbf"  # the site's own --brand (static/css/app.css)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE, BLACK = "#ffffff", "#000000"
AA_NORMAL_TEXT = 4.5
# allauth's emails (mentorhub/accounts/account_adapter.py): the link each asks its reader to follow, by its key in
# allauth's context, and the words of its button.
ACCOUNT_BUTTONS = {
    "activate_url": gettext_lazy("Confirm the address"),
    "password_reset_url": gettext_lazy("Reset the password"),
    "signup_url": gettext_lazy("Create an account"),
}


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour (0 black, 1 white)."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (white when they tie)."""
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(BLACK, background) else BLACK


@dataclass(frozen=True)
class Branding:
    """How an organization's emails look. `logo_url` is absolute (mail clients fetch it from anywhere), or
    empty: the name then stands in its place."""

    name: str
    logo_url: str = ""
    colour: str = DEFAULT_COLOUR

    def __post_init__(self) -> None:
        if not HEX_COLOUR.match(self.colour):
            object.__setattr__(self, "colour", DEFAULT_COLOUR)
        object.__setattr__(self, "colour", self.colour.lower())

    @cached_property
    def text_colour(self) -> str:
        """The button's text colour."""
        return text_colour_on(self.colour)

    @cached_property
    def link_colour(self) -> str:
        """Links in running text: the brand colour when it reads on white, else near-black (underlined)."""
        return self.colour if contrast_ratio(self.colour, WHITE) >= AA_NORMAL_TEXT else "#1a1a1a"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template_name: str, context: dict[str, Any], *, branding: Branding, language: str) -> RenderedEmail:
    """Render one message in `language`: its subject, its HTML and the plain text derived from the HTML."""
    with translation.override(language):
        html = render_to_string(
            template_name, {**context, "branding": branding, "email_language": translation.get_language()}
        )
    return split_rendered(html)


def split_rendered(html: str) -> RenderedEmail:
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return RenderedEmail(subject=" ".join(reader.title.split()), text=reader.text(), html=html)


def html_to_text(html: str) -> str:
    """The plain-text reading of an email's HTML (the rules are in the module docstring)."""
    return split_rendered(html).text


def email_message(
    rendered: RenderedEmail,
    *,
    to: list[str],
    headers: dict[str, str] | None = None,
    from_email: str | None = None,
    prefix: bool = True,
) -> EmailMultiAlternatives:
    """The email of a rendered message: text/plain with its text/html alternative (multipart/alternative).
    The subject takes the site's prefix ("[MentorHub] ") and is one line, whatever a name holds."""
    subject = (settings.ACCOUNT_EMAIL_SUBJECT_PREFIX if prefix else "") + rendered.subject
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=rendered.text, from_email=from_email, to=to, headers=headers or {}
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


# --- HTML to text ------------------------------------------------------------------------------------------

BLOCKS = frozenset(
    {"p", "div", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "section", "footer"}
)
SKIPPED = frozenset({"head", "style", "script"})
VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"})
BREAK = "\x00"  # a paragraph break in the making; runs of them become one blank line
SPACES = re.compile(r"[ \t\r\n\f]+")


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.in_title = False
        self.skip_depth = 0  # > 0 inside a skipped element (counted by nesting of its own kind)
        self.skip_tag = ""
        self.links: list[tuple[str, str, int]] = []  # (href, its data-text, where its text starts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
            return
        if self.skip_depth:
            if tag == self.skip_tag and tag not in VOID:
                self.skip_depth += 1
            return
        marks = dict(attrs)
        if tag in SKIPPED or marks.get("data-text") == "skip":
            if tag not in VOID:
                self.skip_depth, self.skip_tag = 1, tag
            return
        if tag in BLOCKS:
            self.parts.append(BREAK)
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self.parts.append(BREAK + "--\n")
        elif tag == "a":
            self.links.append((marks.get("href") or "", marks.get("data-text") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in BLOCKS:
            self.parts.append(BREAK)
        elif tag == "a" and self.links:
            href, mode, start = self.links.pop()
            label = " ".join("".join(p for p in self.parts[start:] if p != BREAK).split())
            del self.parts[start:]
            if mode == "href" and href:
                self.parts.append(href)
            elif mode == "button":
                self.parts.append(f"{BREAK}{label}: {href}{BREAK}" if label else f"{BREAK}{href}{BREAK}")
            elif not label or label == href or not href:
                self.parts.append(label or href)
            else:
                self.parts.append(f"{label} ({href})")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip_depth:
            self.parts.append(SPACES.sub(" ", data))

    def text(self) -> str:
        paragraphs = []
        for block in "".join(self.parts).split(BREAK):
            lines = [line.strip() for line in block.split("\n")]
            paragraph = "\n".join(line for line in lines if line)
            if paragraph:
                paragraphs.append(paragraph)
        return "\n\n".join(paragraphs) + "\n"
