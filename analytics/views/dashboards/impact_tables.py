"""The tables of the impact report and the data of its charts, from one ImpactReport."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...demographics import value_label
from ...reports.impact import ImpactReport
from ...reports.impact_outcomes import AttributeTable
from ...reports.impact_retention import Promotions, Retention
from ...suppression import Figure
from .cells import (
    MINUS,
    NONE,
    Row,
    Table,
    count,
    decimal,
    estimate,
    group,
    interval,
    new_table,
    number,
    percent,
    shown,
    with_interval,
)

PARTICIPATION = "participation_"  # the tables of "who takes part" are participation_<attribute code>


def _interval_label() -> str:
    # "95%" as a value: a msgid with "95% i" would read as a printf directive to the catalogue tools.
    return _("%(level)s interval") % {"level": "95%"}


def impact_tables(report: ImpactReport) -> dict[str, Table]:
    """The tables of the impact report, by name, in page order."""
    tables = [_groups(report)]
    if report.retention is not None and report.retention.horizon_months:
        tables += [_retention(report.retention), _curve(report.retention)]
    if report.promotions is not None:
        tables.append(_promotions(report.promotions))
    tables.append(_outcomes(report))
    if report.skills:  # mentees' ratings at enrollment and at the close: none yet, no table (the page says so)
        tables.append(_skills_growth(report))
    tables += [_participation(attribute) for attribute in report.groups]
    return {table.name: table for table in tables}


def _groups(report: ImpactReport) -> Table:
    table = new_table("groups", _("Group sizes"), [(_("Group"), False), (_("People"), True)])
    table.rows = [
        Row([_("Participants (their match started)"), count(report.participants)]),
        Row([_("Compared: participants with comparable colleagues"), count(report.compared)]),
        Row([_("Without a comparable colleague (left out of the comparison)"), count(report.unmatched)]),
        Row([_("Comparison group: comparable colleagues who never took part"), count(report.comparison)]),
    ]
    return table


def _retention(retention: Retention) -> Table:
    months = retention.horizon_months
    table = new_table(
        "retention",
        ngettext("Retention after %(count)s month", "Retention after %(count)s months", months) % {"count": months},
        [(_("Measure"), False), (_("Estimate"), True), (_interval_label(), True), (_("Group size"), True)],
    )
    # The difference is about both groups: shown only when both are (each of at least the minimum).
    if retention.difference.shown:
        sizes = _("%(participants)s and %(comparison)s people") % {
            "participants": number(retention.participants.n),
            "comparison": number(retention.comparison.n),
        }
    else:
        sizes = retention.difference.text()
    table.rows = [
        Row(
            [
                _("Participants still employed"),
                estimate(retention.participants),
                interval(retention.participants),
                group(retention.participants, _("people")),
            ]
        ),
        Row(
            [
                _("Comparison group still employed"),
                estimate(retention.comparison),
                interval(retention.comparison),
                group(retention.comparison, _("people")),
            ]
        ),
        Row(
            [
                _("Difference (participants minus comparison)"),
                estimate(retention.difference, " points"),
                interval(retention.difference),
                sizes,
            ]
        ),
    ]
    return table


def _curve(retention: Retention) -> Table:
    table = new_table(
        "retention_curve",
        _("Still employed, month by month (Kaplan-Meier, with %(level)s intervals)") % {"level": "95%"},
        [(_("Month"), False), (_("Participants"), True), (_("Comparison group"), True)],
        collapsed=True,
    )
    for point in retention.curve:
        table.rows.append(
            Row(
                [
                    str(point.month),
                    _curve_cell(point.participants, retention.participants),
                    _curve_cell(point.comparison, retention.comparison),
                ]
            )
        )
    return table


def _curve_cell(values: tuple[float, ...] | None, figure: Figure) -> str:
    # A curve is shown when its group is: the figure at the horizon says whether it is.
    return with_interval(values) if figure.shown else figure.text()


def _promotions(promotions: Promotions) -> Table:
    table = new_table(
        "promotions",
        _("Promotions (job-level increases)"),
        [
            (_("Group"), False),
            (_("Per 100 person-years"), True),
            (_interval_label(), True),
            (_("Person-years"), True),
            (_("People"), True),
        ],
    )
    for label, figure, years in (
        (_("Participants"), promotions.participants, promotions.participants_person_years),
        (_("Comparison group"), promotions.comparison, promotions.comparison_person_years),
    ):
        person_years = number(years) if figure.shown else figure.text()
        table.rows.append(
            Row([label, estimate(figure, ""), interval(figure), person_years, group(figure, _("people"))])
        )
    return table


def _outcomes(report: ImpactReport) -> Table:
    table = new_table(
        "outcomes",
        _("Closing survey: how participants see it"),
        [(_("Statement"), False), (_("Agreeing"), True), (_interval_label(), True), (_("Answers"), True)],
    )
    for outcome in report.outcomes:
        if outcome.code == "recommend":
            label = _("%(label)s, from %(minus)s100 to 100") % {"label": _(outcome.label), "minus": MINUS}
            table.rows.append(Row([label, decimal(outcome.agreeing), NONE, group(outcome.agreeing, _("answers"))]))
        else:
            table.rows.append(
                Row(
                    [
                        _(outcome.label),
                        estimate(outcome.agreeing),
                        interval(outcome.agreeing),
                        group(outcome.agreeing, _("answers")),
                    ]
                )
            )
    return table


def _growth_cells(label: str, figure: Figure | None) -> Row:
    if figure is None or not figure.shown:
        text = figure.text() if figure is not None else NONE
        return Row([label, text, text, text])
    mean, lower, upper = figure.value
    spread = (
        NONE
        if lower is None or upper is None
        else _("%(lower)s to %(upper)s") % {"lower": levels(lower), "upper": levels(upper)}
    )
    return Row([label, levels(mean), spread, group(figure, _("people"))])


def levels(value: float) -> str:
    """A change in levels, always to two decimals ("0.50", "-1.25" with a real minus sign), so a column reads evenly."""
    text = f"{abs(value):.2f}"
    return f"{MINUS}{text}" if value < 0 else text


def _skills_growth(report: ImpactReport) -> Table:
    """Skills growth (analytics/reports/impact_skills.py): the mean change of mentees' own 1-5 ratings."""
    table = new_table(
        "skills_growth",
        _("Skills growth: mean change of mentees' own ratings (1 = beginner, 5 = expert), enrollment to close"),
        [(_("Skill"), False), (_("Mean change (levels)"), True), (_interval_label(), True), (_("People"), True)],
    )
    if report.skills_overall is not None:
        table.rows.append(_growth_cells(_("All skills (each person's mean change)"), report.skills_overall))
    table.rows += [_growth_cells(growth.name, growth.change) for growth in report.skills]
    return table


def _participation(attribute: AttributeTable) -> Table:
    table = new_table(
        f"{PARTICIPATION}{attribute.code}",
        _("Who takes part: %(attribute)s") % {"attribute": attribute.label.lower()},
        [(str(attribute.label), False), (_("Participants"), True), (_("Organization"), True)],
    )
    table.rows.append(
        Row([_("People who answered"), count(attribute.answered_participants), count(attribute.answered_organization)])
    )
    for row in attribute.rows:
        table.rows.append(Row([value_label(row.value), percent(row.participants), percent(row.organization)]))
    return table


def impact_charts(report: ImpactReport, tables: dict[str, Table]) -> dict[str, Any]:
    charts: dict[str, Any] = {}
    retention = report.retention
    if retention is not None and "retention_curve" in tables:
        charts["retention"] = {
            "horizon": retention.horizon_months,
            "months": [point.month for point in retention.curve],
            "participants": [
                list(point.participants) if retention.participants.shown and point.participants else None
                for point in retention.curve
            ],
            "comparison": [
                list(point.comparison) if retention.comparison.shown and point.comparison else None
                for point in retention.curve
            ],
        }
    outcomes = [outcome for outcome in report.outcomes if outcome.code != "recommend"]
    if any(outcome.agreeing.shown for outcome in outcomes):
        rows = tables["outcomes"].rows
        charts["outcomes"] = {
            "labels": [_(outcome.label) for outcome in outcomes],
            "values": [list(outcome.agreeing.value) if outcome.agreeing.shown else None for outcome in outcomes],
            "texts": [row.cells[1] for row in rows[: len(outcomes)]],
        }
    participation = []
    for attribute in report.groups:
        if not any(row.participants.shown or row.organization.shown for row in attribute.rows):
            continue
        participation.append(
            {
                "code": attribute.code,
                "label": attribute.label,
                "groups": [value_label(row.value) for row in attribute.rows],
                "participants": [shown(row.participants) for row in attribute.rows],
                "organization": [shown(row.organization) for row in attribute.rows],
                "participantTexts": [percent(row.participants) for row in attribute.rows],
                "organizationTexts": [percent(row.organization) for row in attribute.rows],
            }
        )
    charts["participation"] = participation
    return charts


def participation_tables(tables: dict[str, Table]) -> dict[str, Table]:
    """{attribute code: its table}, in page order."""
    return {name.removeprefix(PARTICIPATION): table for name, table in tables.items() if name.startswith(PARTICIPATION)}


def charted_participation(charts: dict[str, Any]) -> set[str]:
    """The attributes with a chart (at least one group large enough to show)."""
    return {entry["code"] for entry in charts.get("participation", [])}
