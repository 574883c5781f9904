"""The mentoring record as a PDF (fpdf2: pure Python, no system libraries). It prints what the HTML record shows
(sessions/selectors/record.py), from the same MentoringRecord, so the two cannot disagree on what is in it.

The PDF's built-in Helvetica covers Windows-1252 (Western European letters, dashes, quotes); any other character
is written as its closest ASCII letter, or "?" (a name in another script would need a font file shipped with the
app: not worth its megabytes for a one-page record yet)."""

from __future__ import annotations

import unicodedata
from datetime import date
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from fpdf import FPDF

from .selectors.record import MentoringRecord, RecordEntry

ENCODING = "windows-1252"
# Signs a record's text uses that Windows-1252 lacks, as their plain spelling (skills growth reads "2 -> 4").
PLAIN = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "\u2212": "-", "✓": "done"}


def _text(value: str) -> str:
    """`value` in characters the built-in fonts have."""
    try:
        value.encode(ENCODING)
        return value
    except UnicodeEncodeError:
        pass
    out = []
    for char in value:
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            plain = PLAIN.get(char) or unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def _day(value: date | None) -> str:
    return date_format(value, "j M Y") if value else ""


def _period(entry: RecordEntry) -> str:
    start = _day(entry.started_on) or gettext("not started")
    if entry.ended_on:
        return gettext("%(start)s to %(end)s") % {"start": start, "end": _day(entry.ended_on)}
    return gettext("%(start)s to present") % {"start": start} if entry.active else start


class _RecordPdf(FPDF):
    def __init__(self, record: MentoringRecord) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.record = record
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90)
        self.cell(
            0,
            5,
            _text(
                gettext("%(name)s · mentoring record · page %(page)s")
                % {"name": self.record.person_name, "page": self.page_no()}
            ),
            align="C",
        )

    def line_of(self, text: str, *, size: float = 10, style: str = "", height: float = 5.5, grey: bool = False) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(90 if grey else 20)
        self.multi_cell(0, height, _text(text), new_x="LMARGIN", new_y="NEXT")


def record_pdf(record: MentoringRecord) -> bytes:
    """The record as the bytes of a PDF file."""
    pdf = _RecordPdf(record)
    pdf.set_title(_text(gettext("Mentoring record of %(name)s") % {"name": record.person_name}))
    pdf.set_author(_text(record.person_name))
    pdf.set_creator("MentorHub")
    pdf.add_page()
    pdf.line_of(gettext("Mentoring record"), size=18, style="B", height=9)
    pdf.line_of(record.person_name, size=13, style="B", height=7)
    who = " · ".join(part for part in (record.person_title, record.department, record.organization_name) if part)
    pdf.line_of(who, grey=True)
    generated = _day(record.generated_at.astimezone(ZoneInfo(record.zone)).date())
    pdf.line_of(
        gettext("Prepared on %(date)s. Dates in %(zone)s.") % {"date": generated, "zone": record.zone},
        size=9,
        grey=True,
    )
    pdf.ln(3)
    counts = [
        ngettext("%(n)s mentoring relationship", "%(n)s mentoring relationships", len(record.entries))
        % {"n": len(record.entries)},
        ngettext("%(n)s session held", "%(n)s sessions held", record.sessions_held) % {"n": record.sessions_held},
        ngettext("%(n)s goal completed", "%(n)s goals completed", record.goals_completed)
        % {"n": record.goals_completed},
    ]
    pdf.line_of(" · ".join(counts), style="B")
    if record.is_empty:
        pdf.ln(2)
        pdf.line_of(gettext("No mentoring yet: no match has started."))
    for entry in record.entries:
        pdf.ln(4)
        pdf.line_of(f"{entry.program_name}", size=12, style="B", height=6.5)
        pdf.line_of(f"{entry.program_kind} · {entry.role} · {entry.status} · {_period(entry)}", grey=True)
        dates = ", ".join(_day(day) for day in entry.session_dates)
        held = gettext("Sessions held: %(count)s") % {"count": entry.sessions_held} + (f" ({dates})" if dates else "")
        pdf.line_of(held)
        if not entry.goals:
            pdf.line_of(gettext("Goals and milestones completed: none yet."))
        for goal in entry.goals:
            if goal.done:
                state = gettext("completed %(date)s") % {"date": _day(goal.completed_on)}
            else:
                state = gettext("in progress")
            kind = gettext("own goal") if goal.personal else gettext("shared goal")
            line = gettext("Goal: %(title)s (%(kind)s, %(state)s)") % {
                "title": goal.title,
                "kind": kind,
                "state": state,
            }
            pdf.line_of(line, style="B" if goal.done else "")
            pdf.set_font("Helvetica", "", 10)
            for milestone in goal.milestones_done:
                pdf.set_x(pdf.l_margin + 6)
                pdf.multi_cell(
                    0,
                    5.5,
                    _text(gettext("Milestone completed: %(title)s") % {"title": milestone}),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
    for section in record.sections:
        pdf.ln(4)
        pdf.line_of(section.title, size=12, style="B", height=6.5)
        if section.intro:
            pdf.line_of(section.intro, grey=True)
        for row in section.rows:
            pdf.line_of(f"{row.label}: {row.value}")
    return bytes(pdf.output())
