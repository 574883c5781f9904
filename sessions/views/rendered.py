"""Parts of the mentoring pages rendered once and cached as HTML (sessions/page_cache.py), with holes for what
must be fresh at every visit: the people's clocks ("Their time now") and the CSRF token of the forms.

A part is rendered without the request (no context processor runs, so nothing of the session or request gets
in), with a marker drawn at random for this rendering standing in for each hole: `hole clock <zone> hole` where
`_person.html` shows a clock, `hole csrf hole` where `{% csrf_token %}` puts the token. No text of the page can
contain the marker, so splitting on it finds exactly the holes; `fill` puts the fresh values in at each visit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from html import unescape

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CLOCK_TEMPLATE = "sessions/_clock.html"


@dataclass(frozen=True)
class Rendered:
    """HTML as text, hole, text, hole, ..., text: each hole is ("clock", zone) or ("csrf", "")."""

    pieces: tuple[str, ...]

    def fill(self, request: HttpRequest, now: datetime) -> SafeString:
        out = list(self.pieces)
        clock = get_template(CLOCK_TEMPLATE)
        token = ""
        for i in range(1, len(out), 2):
            kind, _, zone = out[i].partition(" ")
            if kind == "clock":
                out[i] = clock.render({"now": now, "zone": unescape(zone)})
            else:
                token = token or escape(get_token(request))
                out[i] = token
        return mark_safe("".join(out))  # noqa: S308 - rendered by the template engine (autoescaped) and escaped above


def render_with_holes(template_name: str, context: dict) -> Rendered:
    """Render `template_name` without the request; clocks and CSRF tokens become holes for `Rendered.fill`."""
    marker = f"\x1f{secrets.token_hex(16)}\x1f"
    html = render_to_string(
        template_name,
        {**context, "clock_hole": marker, "csrf_token": f"{marker}csrf{marker}"},
    )
    return Rendered(pieces=tuple(html.split(marker)))
