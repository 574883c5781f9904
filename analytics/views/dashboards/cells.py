"""What every dashboard table is made of: cells of text made from suppression.Figures, and the Table that
a page renders and its CSV export writes, so a download always matches the table on the page, cell for cell.

A shown figure is a number (with its group size beside it), a hidden one is Figure.text() ("fewer than 5"),
never a number. The charts read the same figures: a hidden one is null there (`shown`).

Negative numbers carry a real minus sign (U+2212): clearer to read, and a CSV cell starting with it is not
taken for a formula by spreadsheets (mentorhub/csv_safety.py still defuses the text typed by people)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ...suppression import Figure

MINUS = "\u2212"
NONE = "\u2013"  # an en dash: a cell with nothing to show (the first stage has no stage before it)


# --- Numbers as text -------------------------------------------------------------------------------------


def number(value: Any) -> str:
    """1234 as "1,234", 37.8 as "37.8", -4.5 with a minus sign (the builders have rounded already)."""
    if not isinstance(value, int):
        value = float(value)
    text = f"{abs(value):,}"
    return f"{MINUS}{text}" if value < 0 else text


def count(figure: Figure | None) -> str:
    if figure is None:
        return NONE
    return number(figure.value) if figure.shown else figure.text()


def decimal(figure: Figure | None, suffix: str = "") -> str:
    if figure is None:
        return NONE
    if not figure.shown:
        return figure.text()
    return NONE if figure.value is None else f"{number(figure.value)}{suffix}"


def percent(figure: Figure | None) -> str:
    return decimal(figure, "%")


def estimate(figure: Figure | None, suffix: str = "%") -> str:
    """The estimate of a figure whose value is (estimate, lower, upper)."""
    if figure is None:
        return NONE
    if not figure.shown:
        return figure.text()
    return NONE if figure.value is None else f"{number(figure.value[0])}{suffix}"


def interval(figure: Figure | None) -> str:
    """The 95% interval of a figure whose value is (estimate, lower, upper): "70.2 to 90.0"."""
    if figure is None:
        return NONE
    if not figure.shown:
        return figure.text()
    if figure.value is None:
        return NONE
    _estimate, lower, upper = figure.value
    return _("%(lower)s to %(upper)s") % {"lower": number(lower), "upper": number(upper)}


def with_interval(values: tuple[float, ...] | None, suffix: str = "%") -> str:
    """A curve point: "82.1% [70.2 to 90.0]"."""
    if values is None:
        return NONE
    value, lower, upper = values
    return _("%(value)s [%(lower)s to %(upper)s]") % {
        "value": f"{number(value)}{suffix}",
        "lower": number(lower),
        "upper": number(upper),
    }


def group(figure: Figure | None, unit: str) -> str:
    """A figure's group size, "56 mentees", or why it is hidden."""
    if figure is None:
        return NONE
    if not figure.shown:
        return figure.text()
    return f"{number(figure.n)} {unit}"


def day(moment: datetime | None, empty: str = NONE) -> str:
    """A day in the viewer's time zone (the page's and the export's, both activated by org_view)."""
    if moment is None:
        return empty
    return date_format(timezone.localtime(moment).date(), "j M Y")


def month_label(month: date) -> str:
    return date_format(month, "M Y")


def shown(figure: Figure | None) -> Any:
    """For the charts: the value, or None when it is hidden (never a number then)."""
    return figure.value if figure is not None and figure.shown else None


# --- Tables ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass
class Row:
    cells: list[str]  # the first cell names the row
    action: Any = None  # what the page's action column shows for this row (never exported)


@dataclass
class Table:
    name: str  # ?table=<name> of the export
    caption: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    action_label: str = ""  # a column of buttons on the page only: not data, not in the CSV
    collapsed: bool = False  # in a <details> on screen (the chart above it shows the same); open in print

    @property
    def body(self) -> list[tuple[list[tuple[str, bool]], Any]]:
        """For the template: each row as [(cell, numeric?)] with its action."""
        numeric = [column.numeric for column in self.columns]
        return [(list(zip(row.cells, numeric, strict=True)), row.action) for row in self.rows]

    def csv_rows(self) -> Iterator[list[str]]:
        yield [column.label for column in self.columns]
        for row in self.rows:
            yield list(row.cells)


def new_table(name: str, caption: str, columns: list[tuple[str, bool]], **extra: Any) -> Table:
    return Table(name, caption, [Column(label, numeric) for label, numeric in columns], **extra)
