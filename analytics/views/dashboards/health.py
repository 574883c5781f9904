"""Program health: the page (HR admins and stakeholders), its printable version and CSV exports, the
one-click nudge of an at-risk match, and recomputing the figures with live progress (HR admins).

Stakeholders read aggregates only: the matches at risk are a count for them, never the people (neither
on the page nor in any export). Every figure comes from analytics.reports.health as a suppression.Figure."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from matching.models import Match
from mentorhub.accounts.models import Role
from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.errors import service_error_text
from mentorhub.web.htmx import HTMX_STOP_POLLING, is_htmx

from ... import selectors
from ...forms import HealthFilterForm
from ...models import RollupRun
from ...reports.builds import Preparing, health_or_preparing
from ...reports.health import HealthReport
from ...services.nudges import match_nudge
from ...services.rollups import rollup_run_start
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
from .health_tables import health_charts, health_tables


def _form(request: OrgRequest, data: Any = None) -> HealthFilterForm:
    return HealthFilterForm(request.GET if data is None else data, organization=request.organization)


def _page_url(request: OrgRequest, query: dict[str, str] | None = None, **extra: str) -> str:
    url = reverse("program-health", kwargs={"org_slug": request.organization.slug})
    return with_query(url, query or {}, **extra)


# A page lists at most this many matches at risk, quiet the longest first; the CSV lists them all.
AT_RISK_SHOWN = 100


def _figures_context(request: OrgRequest, form: HealthFilterForm, report: HealthReport) -> dict[str, Any]:
    """What the figures template needs (analytics/_health_figures.html)."""
    organization = request.organization
    admin = request.membership.is_admin
    nudged = (
        selectors.nudged_today(organization=organization, match_ids=[row.match_id for row in report.at_risk])
        if admin and report.at_risk
        else set()
    )
    tables = health_tables(report, admin=admin, nudged_today=nudged, at_risk_limit=AT_RISK_SHOWN)
    query = form.query()
    export_url = reverse("program-health-export", kwargs={"org_slug": organization.slug})
    return {
        "is_admin": admin,
        "form": form,
        "report": report,
        "tables": tables,
        "charts": health_charts(report, tables),
        "query": query,
        "query_string": urlencode(query),
        "exports": {name: with_query(export_url, query, table=name) for name in tables},
        "page_url": _page_url(request, query),
        "page_url_without_department": _page_url(request, {k: v for k, v in query.items() if k != "department"}),
        "at_risk_count": count(report.at_risk_count),
        "at_risk_more": max(0, len(report.at_risk) - AT_RISK_SHOWN) if admin else 0,
        "rollup_run": (
            selectors.rollup_run_to_show(organization=organization, computed_at=report.computed_at) if admin else None
        ),
    }


def _figures(request: OrgRequest, form: HealthFilterForm, report: HealthReport) -> dict[str, Any]:
    """The figures, and what the page around them needs (the page, and the answer to the poll that swaps them
    in). A stakeholder's are the same for every stakeholder: rendered once per report build. An HR admin's
    hold this request's CSRF token (the nudge and recompute buttons), who was nudged today and the recompute's
    progress: rendered with the page."""
    query = form.query()
    context: dict[str, Any] = {
        "is_admin": request.membership.is_admin,
        "report": report,
        "query": query,
        "program_name": form.program_name(),
        "print_url": _page_url(request, query, print="1"),
        "page_url": _page_url(request, query),
    }
    if request.membership.is_admin:
        return {**context, **_figures_context(request, form, report)}
    # The trends label the current month (UTC) "to date".
    month = timezone.now().astimezone(UTC).strftime("%Y-%m")
    figures = cached_figures(
        request,
        report=report,
        template="analytics/_health_figures.html",
        variant=("stakeholder", tuple(query.items()), month),
        context=lambda: _figures_context(request, form, report),
    )
    return {**context, **figures}


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def program_health(request: OrgRequest) -> HttpResponse:
    form = _form(request)
    printing = is_print(request)
    template = "analytics/program_health_print.html" if printing else "analytics/program_health.html"
    context: dict[str, Any] = {
        "nav_section": "health",
        "form": form,
        "printing": printing,
        "is_admin": request.membership.is_admin,
        "page_url": _page_url(request),
    }
    if not form.is_valid():
        # The page explains what to fix (a GET form: no figures until the filters make sense).
        return render(request, template, context)
    report = health_or_preparing(organization=request.organization, filters=form.filters())
    if isinstance(report, Preparing):
        # A task builds these figures; the page polls for them (analytics/reports/builds.py).
        query = form.query()
        figures_url = reverse("program-health-figures", kwargs={"org_slug": request.organization.slug})
        context.update(preparing=report, figures_url=with_query(figures_url, query), page_url=_page_url(request, query))
    else:
        context.update(_figures(request, form, report))
    if not printing:
        context["filters_html"] = cached_filters(
            request, form, "analytics/_health_filters.html", context.get("query", {})
        )
    return render(request, template, context)


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def program_health_figures(request: OrgRequest) -> HttpResponse:
    """What the page polls while its figures are prepared (common.figures_poll)."""
    form = _form(request)
    return figures_poll(
        request,
        form,
        page_url=lambda query: _page_url(request, query),
        report_or_preparing=lambda: health_or_preparing(organization=request.organization, filters=form.filters()),
        figures=lambda report: _figures(request, form, report),
        figures_template="analytics/_health_figures.html",
    )


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def program_health_export(request: OrgRequest) -> HttpResponse:
    """One table of the page as CSV (?table=<name>), for the same filters: the same cells as the page."""
    admin = request.membership.is_admin
    if request.GET.get("table") == "at_risk" and not admin:
        raise PermissionDenied(_("Only HR admins see the matches at risk one by one."))
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(_("Check the filters: ") + form.errors.as_text(), status=400, content_type="text/plain")
    report = health_or_preparing(organization=request.organization, filters=form.filters())
    if isinstance(report, Preparing):
        # New figures since the page was shown (a roll-up): the page says when they are ready.
        return redirect(_page_url(request, form.query()))
    # The export never shows who was nudged: that is the page's button, not data.
    table = table_or_404(health_tables(report, admin=admin), request)
    return csv_response(table, organization_slug=request.organization.slug, page="program-health")


@org_view(roles=[Role.ADMIN])
@require_POST
def health_nudge(request: OrgRequest, match_pk: int) -> HttpResponse:
    """One click: everyone in an active match gets the "no session lately" nudge now. At most once a day per
    match: a second click the same day sends nothing, and says so."""
    organization = request.organization
    match = get_scoped_or_404(Match, organization, pk=match_pk)
    form = _form(request, request.POST)
    try:
        result = match_nudge(organization=organization, actor=request.user, match_id=match.pk)
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        if result.sent:
            messages.success(
                request,
                _("Nudge sent: %(names)s get a reminder to meet, by email and in MentorHub.") % {"names": result.names},
            )
        else:
            messages.info(
                request,
                _("%(names)s were nudged today already. A match can be nudged once a day: nothing was sent again.")
                % {"names": result.names},
            )
    return redirect(_page_url(request, form.query() if form.is_valid() else {}) + "#at-risk")


@org_view(roles=[Role.ADMIN])
@require_POST
def rollup_start(request: OrgRequest) -> HttpResponse:
    """Recompute the figures now (the nightly run does it too); the health page shows the progress."""
    _run, created = rollup_run_start(organization=request.organization, actor=request.user)
    if created:
        messages.success(request, _("Recomputing the figures. This page shows how far it is."))
    else:
        messages.info(request, _("The figures are being recomputed already: this page shows how far it is."))
    form = _form(request, request.POST)
    return redirect(_page_url(request, form.query() if form.is_valid() else {}))


@org_view(roles=[Role.ADMIN])
@require_GET
def rollup_run(request: OrgRequest, rollup_pk: int) -> HttpResponse:
    """A recompute's progress: the partial htmx polls from the health page (polling stops once the run is
    done or failed), or a page of its own without JavaScript."""
    organization = request.organization
    run = selectors.rollup_run_get(organization=organization, run_id=rollup_pk)
    form = _form(request)
    context = {
        "nav_section": "health",
        "run": run,
        "health_url": _page_url(request, form.query() if form.is_valid() else {}),
    }
    if is_htmx(request):
        response = render(request, "analytics/_rollup_progress.html", context)
        if run.status in (RollupRun.Status.DONE, RollupRun.Status.FAILED):
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "analytics/rollup_run.html", context)
