"""The dashboard tables as a reader sees them: a page's tables (<table data-table="name">) and a CSV export,
each as rows of cell texts, so a test compares the page and its download cell for cell; a table's rows by
name, a shown count as a number (None when hidden) and a page's chart data."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

from mentorhub.csv_safety import unsafe_cell

VOID = {"input", "br", "img", "hr", "meta", "link", "wbr"}
HIDDEN = {"fewer than 5", "hidden (it would reveal a smaller group)"}


class _TableParser(HTMLParser):
    """The dashboard tables of a page (<table data-table="name">) as rows of cell texts, header first, without
    the page-only action column (data-export="false") and the visually hidden caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0  # depth inside a caption or an action cell

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("data-table"):
            self._table = attributes["data-table"]
            self.tables[self._table] = []
        elif self._table is None:
            return
        elif self._skip:
            self._skip += tag not in VOID
        elif tag == "caption" or (tag in ("td", "th") and attributes.get("data-export") == "false"):
            self._skip = 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._table is None or tag in VOID:
            return
        if self._skip:
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _TableParser()
    parser.feed(html)
    return parser.tables


def csv_table(content: bytes) -> list[list[str]]:
    """A CSV export as rows, with the formula guard undone (what a spreadsheet shows)."""
    return [[unsafe_cell(cell) for cell in row] for row in csv.reader(io.StringIO(content.decode("utf-8")))]


def rows_by_name(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def chart_data(html: str, name: str) -> dict:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no {name} block on the page"
    return json.loads(match.group(1))


def number_of(text: str) -> int | None:
    """A shown count as a number; None for a hidden one."""
    return None if text in HIDDEN else int(text.replace(",", ""))
