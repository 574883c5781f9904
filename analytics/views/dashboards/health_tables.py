"""The tables of the program-health page and the data of its charts, from one HealthReport."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils import timezone

from ...reports.health import HealthReport
from .cells import NONE, Row, Table, count, day, decimal, group, month_label, new_table, number, percent, shown


def month_labels(report: HealthReport) -> list[str]:
    """The trend's months; the current one (UTC, like the roll-up's days) is only partly over."""
    current = timezone.now().astimezone(UTC).date().replace(day=1)
    return [f"{month_label(m.month)}{' (to date)' if m.month == current else ''}" for m in report.months]


@dataclass
class AtRiskAction:
    match_id: int
    people: str
    nudged_today: bool


def health_tables(
    report: HealthReport, *, admin: bool, nudged_today: set[int] | None = None, at_risk_limit: int | None = None
) -> dict[str, Table]:
    """The tables of the program-health page, by name, in page order; none when there is nothing to show
    (never rolled up, or a refused selection). The at-risk matches with their people: HR admins only; the
    page lists the `at_risk_limit` quiet the longest (its CSV, all of them)."""
    if report.computed_at is None or report.refused:
        return {}
    tables = [_key_figures(report), _funnel(report)]
    if admin:
        tables.append(_at_risk(report, nudged_today or set(), at_risk_limit))
    tables.append(_months(report))
    if not report.filters.department:
        tables.append(_departments(report))
    if report.flash is not None:
        tables.append(_flash(report))
    return {table.name: table for table in tables}


def _flash(report: HealthReport) -> Table:
    """A flash mentoring program's bookings (analytics/reports/health_flash.py)."""
    flash = report.flash
    assert flash is not None
    table = new_table("flash", "Flash mentoring", [("Measure", False), ("Value", True), ("Group size", True)])
    rows = [
        ("Sessions booked and held", count(flash.bookings), group(flash.bookings, "people who booked")),
        ("People who booked", count(flash.bookers), group(flash.bookers, "people")),
        ("People who booked again (two or more)", count(flash.repeat_bookers), group(flash.repeat_bookers, "people")),
        ("People who booked once", count(flash.one_time_bookers), group(flash.one_time_bookers, "people")),
        ("Rating average (1 to 5)", decimal(flash.rating_average), group(flash.rating_average, "people who rated")),
        ("Mentors who held office hours", count(flash.hosts), group(flash.hosts, "mentors")),
        ("Sessions booked ahead", count(flash.upcoming), group(flash.upcoming, "people who booked")),
    ]
    table.rows = [Row(list(cells)) for cells in rows]
    return table


def _key_figures(report: HealthReport) -> Table:
    table = new_table("figures", "Key figures", [("Measure", False), ("Value", True), ("Group size", True)])
    sessions = decimal(report.sessions_per_month)
    if report.sessions_per_month is not None and report.sessions_per_month.shown and report.cadence is not None:
        sessions = f"{sessions} (program cadence: {number(report.cadence)})"
    rows = [
        ("Median days from enrollment to match", decimal(report.days_to_match, " days"),
         group(report.days_to_match, "mentees matched")),
        ("Median days from match to first session", decimal(report.days_to_first_session, " days"),
         group(report.days_to_first_session, "mentees who met")),
        ("Sessions held per match per month", sessions, group(report.sessions_per_month, "matches")),
        ("Goals completed", percent(report.goal_completion), group(report.goal_completion, "matches with goals")),
        ("Check-in average (1 to 5)", decimal(report.checkin_average),
         group(report.checkin_average, "matches with check-ins")),
        ("Session rating average (1 to 5)", decimal(report.rating_average),
         group(report.rating_average, "matches with ratings")),
        ("Good fit after the first session", percent(report.fit_rate),
         group(report.fit_rate, "people who answered")),
        ("Check-ins answered", percent(report.checkin_response_rate),
         group(report.checkin_response_rate, "people asked")),
        ("Matches at risk", count(report.at_risk_count), group(report.at_risk_count, "matches")),
        ("Mentors enrolled", count(report.mentors), group(report.mentors, "mentors")),
    ]  # fmt: skip
    table.rows = [Row(list(cells)) for cells in rows]
    return table


def _funnel(report: HealthReport) -> Table:
    table = new_table(
        "funnel", "Enrollment funnel", [("Stage", False), ("People", True), ("Share of the stage before", True)]
    )
    for stage in report.funnel:
        share = NONE if stage.share_of_previous is None else percent(stage.share_of_previous)
        table.rows.append(Row([stage.label, count(stage.people), share]))
    return table


def _at_risk(report: HealthReport, nudged_today: set[int], limit: int | None) -> Table:
    table = new_table(
        "at_risk",
        "Matches at risk",
        [("People", False), ("Program", False), ("Why", False), ("Last session", False), ("Started", False)],
        action_label="Nudge",
    )
    for row in report.at_risk[:limit]:  # quiet the longest first (the report's order)
        table.rows.append(
            Row(
                [row.people, row.program_name, row.reason, day(row.last_session_at, "none held"), day(row.started_at)],
                action=AtRiskAction(row.match_id, row.people, row.match_id in nudged_today),
            )
        )
    return table


def _months(report: HealthReport) -> Table:
    table = new_table(
        "months",
        "Trends by month",
        [
            ("Month", False),
            ("Active matches (month end)", True),
            ("Sessions held", True),
            ("New enrollments", True),
            ("Check-in average (1 to 5)", True),
        ],
        collapsed=True,
    )
    for label, month in zip(month_labels(report), report.months, strict=True):
        checkin = decimal(month.checkin_average)
        if month.checkin_average.shown:
            checkin = f"{checkin} (n = {number(month.checkin_average.n)} check-ins)"
        table.rows.append(
            Row(
                [
                    label,
                    count(month.active_matches),
                    count(month.sessions_held),
                    count(month.new_enrollments),
                    checkin,
                ]
            )
        )
    return table


def _departments(report: HealthReport) -> Table:
    table = new_table(
        "departments",
        "Departments (the mentee's)",
        [
            ("Department", False),
            ("Enrolled mentees", True),
            ("Matched", True),
            ("Active at 90 days (of matched)", True),
            ("Sessions per match per month", True),
        ],
    )
    for row in report.departments:
        sessions = decimal(row.sessions_per_month)
        if row.sessions_per_month.shown and row.sessions_per_month.value is not None:
            sessions = f"{sessions} (n = {number(row.sessions_per_month.n)} matches)"
        table.rows.append(
            Row([row.department, count(row.enrolled), count(row.matched), percent(row.active_90), sessions])
        )
    return table


def health_charts(report: HealthReport, tables: dict[str, Table]) -> dict[str, Any]:
    """What analytics-charts.js draws, from the same figures as the tables (hidden: null)."""
    if not tables:
        return {}
    funnel = tables["funnel"]
    return {
        "funnel": {
            "labels": [stage.label for stage in report.funnel],
            "values": [shown(stage.people) for stage in report.funnel],
            "texts": [row.cells[1] for row in funnel.rows],
        },
        "trends": {
            "labels": month_labels(report),
            "series": [
                {"label": "Active matches", "values": [shown(m.active_matches) for m in report.months]},
                {"label": "Sessions held", "values": [shown(m.sessions_held) for m in report.months]},
                {"label": "New enrollments", "values": [shown(m.new_enrollments) for m in report.months]},
            ],
            "checkin": {"label": "Check-in average", "values": [shown(m.checkin_average) for m in report.months]},
        },
    }
