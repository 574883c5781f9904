"""The impact report (HR admins and stakeholders): participants against comparable colleagues who did not
take part, with its printable version and the CSV of every table. Aggregates only; every figure comes from
analytics.reports.impact as a suppression.Figure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mentorhub.tenancy import OrgRequest, org_view

from ... import selectors
from ...forms import ROLE_LABELS, ImpactFilterForm
from ...reports.builds import Preparing, impact_or_preparing
from ...reports.impact import ImpactReport
from ...reports.impact_controls import CONTROLS_PER_PARTICIPANT
from .cells import count
from .common import (
    DASHBOARD_ROLES,
    cached_figures,
    cached_filters,
    csv_response,
    figures_poll,
    is_print,
    table_or_404,
    with_query,
)
from .impact_tables import charted_participation, impact_charts, impact_tables, participation_tables


def _page_url(request: OrgRequest, query: dict[str, str] | None = None, **extra: str) -> str:
    url = reverse("impact-report", kwargs={"org_slug": request.organization.slug})
    return with_query(url, query or {}, **extra)


def _figures_context(
    request: OrgRequest, form: ImpactFilterForm, report: ImpactReport, computed_at: datetime | None
) -> dict[str, Any]:
    """What the figures template needs (analytics/_impact_figures.html)."""
    tables = impact_tables(report)
    charts = impact_charts(report, tables)
    charted = charted_participation(charts)
    query = form.query()
    export_url = reverse("impact-report-export", kwargs={"org_slug": request.organization.slug})
    return {
        "report": report,
        "computed_at": computed_at,
        "tables": tables,
        "charts": charts,
        "participation": [
            {
                "table": table,
                "code": code,
                "charted": code in charted,
                "export": with_query(export_url, query, table=table.name),
            }
            for code, table in participation_tables(tables).items()
        ],
        "exports": {name: with_query(export_url, query, table=name) for name in tables},
        "respondents": count(report.respondents),
    }


def _figures(
    request: OrgRequest, form: ImpactFilterForm, report: ImpactReport, computed_at: datetime | None
) -> dict[str, Any]:
    """The figures, rendered once per report build for everyone (aggregates only, the same for every reader),
    and what the page around them needs (the page, and the answer to the poll that swaps them in)."""
    query = form.query()
    figures = cached_figures(
        request,
        report=report,
        template="analytics/_impact_figures.html",
        variant=(tuple(query.items()), computed_at),
        context=lambda: _figures_context(request, form, report, computed_at),
    )
    return {
        "report": report,
        "computed_at": computed_at,
        "role_label": ROLE_LABELS[report.filters.role],
        "print_url": _page_url(request, query, print="1"),
        "page_url": _page_url(request, query),
        "program_name": form.program_name(),
        "query": query,
        **figures,
    }


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def impact_report_page(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    form = ImpactFilterForm(request.GET, organization=organization)
    printing = is_print(request)
    template = "analytics/impact_report_print.html" if printing else "analytics/impact_report.html"
    context: dict[str, Any] = {
        "nav_section": "impact",
        "form": form,
        "printing": printing,
        "page_url": _page_url(request),
        "controls_per_participant": CONTROLS_PER_PARTICIPANT,
    }
    if not form.is_valid():
        # The page explains what to fix (a GET form: no figures until the filters make sense).
        return render(request, template, context)
    computed_at = selectors.facts_computed_at(organization=organization)
    context["computed_at"] = computed_at
    if computed_at is not None:
        report = impact_or_preparing(organization=organization, filters=form.filters())
        if isinstance(report, Preparing):
            # A task builds these figures; the page polls for them (analytics/reports/builds.py).
            query = form.query()
            figures_url = reverse("impact-report-figures", kwargs={"org_slug": organization.slug})
            context.update(
                preparing=report, figures_url=with_query(figures_url, query), page_url=_page_url(request, query)
            )
        else:
            context.update(_figures(request, form, report, computed_at))
    if not printing:
        context["filters_html"] = cached_filters(
            request, form, "analytics/_impact_filters.html", context.get("query", {})
        )
    return render(request, template, context)


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def impact_report_figures(request: OrgRequest) -> HttpResponse:
    """What the page polls while its figures are prepared (common.figures_poll)."""
    organization = request.organization
    form = ImpactFilterForm(request.GET, organization=organization)

    def figures(report: ImpactReport) -> dict[str, Any]:
        return _figures(request, form, report, selectors.facts_computed_at(organization=organization))

    return figures_poll(
        request,
        form,
        page_url=lambda query: _page_url(request, query),
        report_or_preparing=lambda: impact_or_preparing(organization=organization, filters=form.filters()),
        figures=figures,
        figures_template="analytics/_impact_figures.html",
    )


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def impact_report_export(request: OrgRequest) -> HttpResponse:
    form = ImpactFilterForm(request.GET, organization=request.organization)
    if not form.is_valid():
        return HttpResponse(_("Check the filters: ") + form.errors.as_text(), status=400, content_type="text/plain")
    if selectors.facts_computed_at(organization=request.organization) is None:
        tables = {}  # the page shows no table before the first roll-up
    else:
        report = impact_or_preparing(organization=request.organization, filters=form.filters())
        if isinstance(report, Preparing):
            # New figures since the page was shown (a roll-up): the page says when they are ready.
            return redirect(_page_url(request, form.query()))
        tables = impact_tables(report)
    table = table_or_404(tables, request)
    return csv_response(table, organization_slug=request.organization.slug, page="impact-report")
