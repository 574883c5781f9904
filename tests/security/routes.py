"""Every URL route of the project, read from the URLconf, as one text per route that people can read and the
role matrix can key on: `/o/<org_slug>/people/<employee_pk>/`. Path converters and regular expressions are
reduced to their parameter names, so a DRF router's `^(?P<invitation_pk>[^/.]+)/resend/$` and a `path()`'s
`<int:program_pk>` read alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_PARAMETER = re.compile(r"<(\w+)>")


@dataclass(frozen=True)
class Route:
    pattern: str  # "/o/<org_slug>/people/<employee_pk>/"
    name: str | None

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(_PARAMETER.findall(self.pattern))

    def url(self, values: dict[str, str]) -> str:
        """The route with each parameter replaced by its value (a parameter without one fails loudly)."""
        missing = [p for p in self.params if p not in values]
        if missing:
            raise KeyError(f"{self.pattern}: no value for {missing}; add one to the world (tests/security/world.py)")
        return _PARAMETER.sub(lambda m: str(values[m.group(1)]), self.pattern)


def _named_groups(regex: str) -> str:
    """`(?P<name>...)` -> `<name>`, with the group's body skipped however it nests."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            end = regex.index(">", i)
            out.append(f"<{regex[i + 4 : end]}>")
            depth, i, in_class = 1, end + 1, False
            while depth:
                char = regex[i]
                if char == "\\":
                    i += 1
                elif char == "[":
                    in_class = True
                elif char == "]":
                    in_class = False
                elif not in_class and char == "(":
                    depth += 1
                elif not in_class and char == ")":
                    depth -= 1
                i += 1
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def normalize(route: str) -> str:
    """A route as URLconf text (path() and re_path() pieces joined) -> the matrix's text for it."""
    text = _named_groups(_CONVERTER.sub(r"<\1>", route))
    text = text.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + text


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            child = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += _walk(entry.url_patterns, text, child)
        elif isinstance(entry, URLPattern):
            routes.append(Route(normalize(text), f"{namespace}{entry.name}" if entry.name else None))
    return routes


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def resolved_pattern(url: str) -> str:
    """The matrix text of the route that `url` reaches: a filled URL must reach the row's own route, not an
    earlier one that happens to match (or a catch-all)."""
    return normalize(resolve(urlsplit(url).path).route)
