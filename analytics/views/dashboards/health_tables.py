"""The tables of the program-health page and the data of its charts, from one HealthReport."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ...reports.health import HealthReport
from .cells import NONE, Row, Table, count, day, decimal, group, month_label, new_table, number, percent, shown

# Why a match is at risk, as the roll-up stored it (in English: analytics/services/rollups.py _risk).
_QUIET = re.compile(r"No session for (\d+) days (since the last session|since the match started, and none yet)")


def reason_label(reason: str) -> str:
    """The stored reason in the reader's language."""
    quiet = _QUIET.fullmatch(reason)
    if quiet is None:
        return _(reason) if reason else reason
    if quiet.group(2) == "since the last session":
        return _("No session for %(days)s days since the last session") % {"days": quiet.group(1)}
    return _("No session for %(days)s days since the match started, and none yet") % {"days": quiet.group(1)}


def month_labels(report: HealthReport) -> list[str]:
    """The trend's months; the current one (UTC, like the roll-up's days) is only partly over."""
    current = timezone.now().astimezone(UTC).date().replace(day=1)
    return [
        _("%(month)s (to date)") % {"month": month_label(m.month)} if m.month == current else month_label(m.month)
        for m in report.months
    ]


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
    table = new_table(
        "flash", _("Flash mentoring"), [(_("Measure"), False), (_("Value"), True), (_("Group size"), True)]
    )
    rows = [
        (_("Sessions booked and held"), count(flash.bookings), group(flash.bookings, _("people who booked"))),
        (_("People who booked"), count(flash.bookers), group(flash.bookers, _("people"))),
        (
            _("People who booked again (two or more)"),
            count(flash.repeat_bookers),
            group(flash.repeat_bookers, _("people")),
        ),
        (_("People who booked once"), count(flash.one_time_bookers), group(flash.one_time_bookers, _("people"))),
        (
            _("Rating average (1 to 5)"),
            decimal(flash.rating_average),
            group(flash.rating_average, _("people who rated")),
        ),
        (_("Mentors who held office hours"), count(flash.hosts), group(flash.hosts, _("mentors"))),
        (_("Sessions booked ahead"), count(flash.upcoming), group(flash.upcoming, _("people who booked"))),
    ]
    table.rows = [Row(list(cells)) for cells in rows]
    return table


def _key_figures(report: HealthReport) -> Table:
    table = new_table("figures", _("Key figures"), [(_("Measure"), False), (_("Value"), True), (_("Group size"), True)])
    sessions = decimal(report.sessions_per_month)
    if report.sessions_per_month is not None and report.sessions_per_month.shown and report.cadence is not None:
        sessions = _("%(sessions)s (program cadence: %(cadence)s)") % {
            "sessions": sessions,
            "cadence": number(report.cadence),
        }
    rows = [
        (_("Median days from enrollment to match"), decimal(report.days_to_match, _(" days")),
         group(report.days_to_match, _("mentees matched"))),
        (_("Median days from match to first session"), decimal(report.days_to_first_session, _(" days")),
         group(report.days_to_first_session, _("mentees who met"))),
        (_("Sessions held per match per month"), sessions, group(report.sessions_per_month, _("matches"))),
        (_("Goals completed"), percent(report.goal_completion), group(report.goal_completion, _("matches with goals"))),
        (_("Check-in average (1 to 5)"), decimal(report.checkin_average),
         group(report.checkin_average, _("matches with check-ins"))),
        (_("Session rating average (1 to 5)"), decimal(report.rating_average),
         group(report.rating_average, _("matches with ratings"))),
        (_("Good fit after the first session"), percent(report.fit_rate),
         group(report.fit_rate, _("people who answered"))),
        (_("Check-ins answered"), percent(report.checkin_response_rate),
         group(report.checkin_response_rate, _("people asked"))),
        (_("Matches at risk"), count(report.at_risk_count), group(report.at_risk_count, _("matches"))),
        (_("Mentors enrolled"), count(report.mentors), group(report.mentors, _("mentors"))),
    ]  # fmt: skip
    table.rows = [Row(list(cells)) for cells in rows]
    return table


def _funnel(report: HealthReport) -> Table:
    table = new_table(
        "funnel",
        _("Enrollment funnel"),
        [(_("Stage"), False), (_("People"), True), (_("Share of the stage before"), True)],
    )
    for stage in report.funnel:
        share = NONE if stage.share_of_previous is None else percent(stage.share_of_previous)
        table.rows.append(Row([_(stage.label), count(stage.people), share]))
    return table


def _at_risk(report: HealthReport, nudged_today: set[int], limit: int | None) -> Table:
    table = new_table(
        "at_risk",
        _("Matches at risk"),
        [
            (_("People"), False),
            (_("Program"), False),
            (_("Why"), False),
            (_("Last session"), False),
            (_("Started"), False),
        ],
        action_label=_("Nudge"),
    )
    for row in report.at_risk[:limit]:  # quiet the longest first (the report's order)
        table.rows.append(
            Row(
                [
                    row.people,
                    row.program_name,
                    reason_label(row.reason),
                    day(row.last_session_at, _("none held")),
                    day(row.started_at),
                ],
                action=AtRiskAction(row.match_id, row.people, row.match_id in nudged_today),
            )
        )
    return table


def _months(report: HealthReport) -> Table:
    table = new_table(
        "months",
        _("Trends by month"),
        [
            (_("Month"), False),
            (_("Active matches (month end)"), True),
            (_("Sessions held"), True),
            (_("New enrollments"), True),
            (_("Check-in average (1 to 5)"), True),
        ],
        collapsed=True,
    )
    for label, month in zip(month_labels(report), report.months, strict=True):
        checkin = decimal(month.checkin_average)
        if month.checkin_average.shown:
            checkin = _("%(average)s (n = %(count)s check-ins)") % {
                "average": checkin,
                "count": number(month.checkin_average.n),
            }
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
        _("Departments (the mentee's)"),
        [
            (_("Department"), False),
            (_("Enrolled mentees"), True),
            (_("Matched"), True),
            (_("Active at 90 days (of matched)"), True),
            (_("Sessions per match per month"), True),
        ],
    )
    for row in report.departments:
        sessions = decimal(row.sessions_per_month)
        if row.sessions_per_month.shown and row.sessions_per_month.value is not None:
            sessions = _("%(sessions)s (n = %(count)s matches)") % {
                "sessions": sessions,
                "count": number(row.sessions_per_month.n),
            }
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
            "labels": [_(stage.label) for stage in report.funnel],
            "values": [shown(stage.people) for stage in report.funnel],
            "texts": [row.cells[1] for row in funnel.rows],
        },
        "trends": {
            "labels": month_labels(report),
            "series": [
                {"label": _("Active matches"), "values": [shown(m.active_matches) for m in report.months]},
                {"label": _("Sessions held"), "values": [shown(m.sessions_held) for m in report.months]},
                {"label": _("New enrollments"), "values": [shown(m.new_enrollments) for m in report.months]},
            ],
            "checkin": {"label": _("Check-in average"), "values": [shown(m.checkin_average) for m in report.months]},
        },
    }
