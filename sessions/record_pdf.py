"""The mentoring record as a PDF (fpdf2: pure Python, no system libraries). It prints what the HTML record shows
(sessions/selectors/record.py), from the same MentoringRecord, so the two cannot disagree on what is in it.

The PDF's built-in Helvetica covers Windows-1252 (Western European letters, dashes, quotes); any other character
is written as its closest ASCII letter, or "?" (a name in another script would need a font file shipped with the
app: not worth its megabytes for a one-page record yet)."""

from __future__ import annotations

import unicodedata
from datetime import date
from zoneinfo import ZoneInfo

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
    return f"{value.day} {value:%b %Y}" if value else ""


def _period(entry: RecordEntry) -> str:
    start = _day(entry.started_on) or "not started"
    if entry.ended_on:
        return f"{start} to {_day(entry.ended_on)}"
    return f"{start} to present" if entry.active else start


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
        self.cell(0, 5, _text(f"{self.record.person_name} · mentoring record · page {self.page_no()}"), align="C")

    def line_of(self, text: str, *, size: float = 10, style: str = "", height: float = 5.5, grey: bool = False) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(90 if grey else 20)
        self.multi_cell(0, height, _text(text), new_x="LMARGIN", new_y="NEXT")


def record_pdf(record: MentoringRecord) -> bytes:
    """The record as the bytes of a PDF file."""
    pdf = _RecordPdf(record)
    pdf.set_title(_text(f"Mentoring record of {record.person_name}"))
    pdf.set_author(_text(record.person_name))
    pdf.set_creator("MentorHub")
    pdf.add_page()
    pdf.line_of("Mentoring record", size=18, style="B", height=9)
    pdf.line_of(record.person_name, size=13, style="B", height=7)
    who = " · ".join(part for part in (record.person_title, record.department, record.organization_name) if part)
    pdf.line_of(who, grey=True)
    generated = _day(record.generated_at.astimezone(ZoneInfo(record.zone)).date())
    pdf.line_of(f"Prepared on {generated}. Dates in {record.zone}.", size=9, grey=True)
    pdf.ln(3)
    pdf.line_of(
        f"{len(record.entries)} mentoring relationship{'s' if len(record.entries) != 1 else ''} · "
        f"{record.sessions_held} session{'s' if record.sessions_held != 1 else ''} held · "
        f"{record.goals_completed} goal{'s' if record.goals_completed != 1 else ''} completed",
        style="B",
    )
    if record.is_empty:
        pdf.ln(2)
        pdf.line_of("No mentoring yet: no match has started.")
    for entry in record.entries:
        pdf.ln(4)
        pdf.line_of(f"{entry.program_name}", size=12, style="B", height=6.5)
        pdf.line_of(f"{entry.program_kind} · {entry.role} · {entry.status} · {_period(entry)}", grey=True)
        dates = ", ".join(_day(day) for day in entry.session_dates)
        held = f"Sessions held: {entry.sessions_held}" + (f" ({dates})" if dates else "")
        pdf.line_of(held)
        if not entry.goals:
            pdf.line_of("Goals and milestones completed: none yet.")
        for goal in entry.goals:
            state = f"completed {_day(goal.completed_on)}" if goal.done else "in progress"
            kind = "own goal" if goal.personal else "shared goal"
            pdf.line_of(f"Goal: {goal.title} ({kind}, {state})", style="B" if goal.done else "")
            pdf.set_font("Helvetica", "", 10)
            for milestone in goal.milestones_done:
                pdf.set_x(pdf.l_margin + 6)
                pdf.multi_cell(0, 5.5, _text(f"Milestone completed: {milestone}"), new_x="LMARGIN", new_y="NEXT")
    for section in record.sections:
        pdf.ln(4)
        pdf.line_of(section.title, size=12, style="B", height=6.5)
        if section.intro:
            pdf.line_of(section.intro, grey=True)
        for row in section.rows:
            pdf.line_of(f"{row.label}: {row.value}")
    return bytes(pdf.output())
