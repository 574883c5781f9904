"""CSV cells that a spreadsheet will not run as formulas, and the way back for files we read again.

Spreadsheet programs treat a cell starting with =, +, - or @ as a formula (and tab or carriage return can
hide such a start), so text typed by users could run as `=HYPERLINK(...)` when an admin opens an export.
Every CSV export writes its text cells through `safe_cell`, which puts an apostrophe in front of such text:
spreadsheets show the text as typed. `unsafe_cell` undoes exactly that, so a file we export (the people
export is in the roster import format) can be uploaded again unchanged.

Text that already starts with apostrophes before such a character gets one more, so the round trip is
exact for every value: unsafe_cell(safe_cell(text)) == text.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_DEFUSING = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """`value` ready for csv.writer: text that would start a formula gets a leading apostrophe; anything
    that is not text (numbers, dates, None) is returned as it is."""
    if isinstance(value, str) and _NEEDS_DEFUSING.match(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The text `safe_cell` was given: drops the one apostrophe it added, and only that one."""
    if text.startswith("'") and _NEEDS_DEFUSING.match(text, 1):
        return text[1:]
    return text
