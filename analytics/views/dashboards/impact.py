"""The impact report (HR admins and stakeholders): participants against comparable colleagues who did not
take part, with its printable version and the CSV of every table. Aggregates only; every figure comes from
analytics.reports.impact as a suppression.Figure."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from mentorhub.tenancy import OrgRequest, org_view

from ... import selectors
from ...forms import ROLE_LABELS, ImpactFilterForm
from ...reports.impact import impact_report
from ...reports.impact_controls import CONTROLS_PER_PARTICIPANT
from .cells import count
from .common import DASHBOARD_ROLES, csv_response, is_print, table_or_404, with_query
from .impact_tables import charted_participation, impact_charts, impact_tables, participation_tables


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def impact_report_page(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    form = ImpactFilterForm(request.GET, organization=organization)
    printing = is_print(request)
    template = "analytics/impact_report_print.html" if printing else "analytics/impact_report.html"
    page_url = reverse("impact-report", kwargs={"org_slug": organization.slug})
    context: dict[str, Any] = {
        "nav_section": "impact",
        "form": form,
        "printing": printing,
        "page_url": page_url,
        "controls_per_participant": CONTROLS_PER_PARTICIPANT,
    }
    if not form.is_valid():
        # The page explains what to fix (a GET form: no figures until the filters make sense).
        return render(request, template, context)
    computed_at = selectors.facts_computed_at(organization=organization)
    context["computed_at"] = computed_at
    if computed_at is not None:
        report = impact_report(organization=organization, filters=form.filters())
        tables = impact_tables(report)
        charts = impact_charts(report, tables)
        charted = charted_participation(charts)
        query = form.query()
        export_url = reverse("impact-report-export", kwargs={"org_slug": organization.slug})
        context.update(
            report=report,
            tables=tables,
            charts=charts,
            participation=[
                {
                    "table": table,
                    "code": code,
                    "charted": code in charted,
                    "export": with_query(export_url, query, table=table.name),
                }
                for code, table in participation_tables(tables).items()
            ],
            exports={name: with_query(export_url, query, table=name) for name in tables},
            respondents=count(report.respondents),
            role_label=ROLE_LABELS[report.filters.role],
            print_url=with_query(page_url, query, print="1"),
            page_url=with_query(page_url, query),
            program_name=form.program_name(),
            query=query,
        )
    return render(request, template, context)


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def impact_report_export(request: OrgRequest) -> HttpResponse:
    form = ImpactFilterForm(request.GET, organization=request.organization)
    if not form.is_valid():
        return HttpResponse("Check the filters: " + form.errors.as_text(), status=400, content_type="text/plain")
    if selectors.facts_computed_at(organization=request.organization) is None:
        tables = {}  # the page shows no table before the first roll-up
    else:
        tables = impact_tables(impact_report(organization=request.organization, filters=form.filters()))
    table = table_or_404(tables, request)
    return csv_response(table, organization_slug=request.organization.slug, page="impact-report")
