"""What the dashboard pages share: who may read them, the printable version, the CSV of one table, the poll for
figures a task prepares, and the figures rendered once for every viewer who sees the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable
from typing import Any, Protocol
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from mentorhub.accounts.models import Role
from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest
from mentorhub.web.htmx import HTMX_STOP_POLLING, is_htmx, vary_on_htmx

from ...reports.builds import Preparing
from ...reports.health import HealthReport
from ...reports.impact import ImpactReport
from ...reports.rendered import inputs_rendered, report_rendered
from .cells import Table

# HR admins and stakeholders read the dashboards; members answer 403 (they know the organization).
DASHBOARD_ROLES = (Role.ADMIN, Role.STAKEHOLDER)


class FilterForm(Protocol):
    data: Any
    fields: dict[str, Any]

    def is_valid(self) -> bool: ...

    def query(self) -> dict[str, str]: ...


def is_print(request: HttpRequest) -> bool:
    return request.GET.get("print") == "1"


def with_query(url: str, query: dict[str, str], **extra: str) -> str:
    params = {**query, **extra}
    return f"{url}?{urlencode(params)}" if params else url


def table_or_404(tables: dict[str, Table], request: HttpRequest) -> Table:
    """The table the export asks for: one the page shows for the same filters and role, else 404 (an
    unknown name, a table this selection does not show, or one this role does not see)."""
    table = tables.get(request.GET.get("table", ""))
    if table is None:
        raise Http404("The page shows no such table for this selection.")
    return table


def csv_response(table: Table, *, organization_slug: str, page: str) -> HttpResponse:
    """The table as CSV: its column labels, then its rows, the same text as on the page. Cells typed by
    people (names, departments, programs) cannot start a spreadsheet formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table.csv_rows():
        writer.writerow([safe_cell(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    # The table name is one of ours (checked against the page's tables), safe in a file name.
    response["Content-Disposition"] = f'attachment; filename="{organization_slug}-{page}-{table.name}-{stamp}.csv"'
    return response


def figures_poll(
    request: HttpRequest,
    form: FilterForm,
    *,
    page_url: Callable[[dict[str, str]], str],
    report_or_preparing: Callable[[], object],
    figures: Callable[[Any], dict[str, Any]],
    figures_template: str,
) -> HttpResponse:
    """The view a page polls while a task prepares its figures (templates/analytics/_preparing.html). Opened
    without htmx (a bookmark, no JavaScript): the page itself. Still preparing: 204, nothing to swap, so htmx
    polls on and the live region stays quiet. Ready: the status says so and the figures (`figures` of the
    report: the context of `figures_template`) go into their place, out of band; failed: the status says that.
    Both stop the polling (286)."""
    valid = form.is_valid()
    if not valid or not is_htmx(request):
        return vary_on_htmx(redirect(page_url(form.query() if valid else {})))
    report = report_or_preparing()
    if isinstance(report, Preparing) and not report.failed:
        return vary_on_htmx(HttpResponse(status=204))
    context: dict[str, Any] = {
        "form": form,
        "figures_template": figures_template,  # unless `figures` rendered them already (figures_html)
        "ready": not isinstance(report, Preparing),
    }
    if isinstance(report, Preparing):
        context["preparing"] = report
    else:
        context.update(figures(report))
    response = render(request, "analytics/_figures_poll.html", context)
    response.status_code = HTMX_STOP_POLLING
    return vary_on_htmx(response)


def cached_figures(
    request: OrgRequest,
    *,
    report: HealthReport | ImpactReport,
    template: str,
    variant: tuple[Hashable, ...],
    context: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """The figures of `report` rendered by `template` (with `context()`), cached for every viewer who sees the
    same (analytics/reports/rendered.py): `variant` names whatever else they depend on besides the report, the
    organization, the time zone and print. For the page around them: `figures_html`, and whether they hold
    tables and charts (the printable version's link, the chart scripts).

    The template must then render the same for everyone of the variant: no CSRF token, nothing of the request."""
    organization = request.organization
    printing = is_print(request)

    def render_figures() -> tuple[str, bool, bool]:
        figures = {**context(), "printing": printing, "slug": organization.slug, "k": organization.min_group_size}
        return str(render_to_string(template, figures)), bool(figures["tables"]), bool(figures["charts"])

    full_variant = (template, printing, organization.slug, timezone.get_current_timezone_name(), *variant)
    html, tables, charts = report_rendered(
        organization=organization, report=report, variant=full_variant, render=render_figures
    )
    return {"figures_html": mark_safe(html), "tables": tables, "charts": charts}  # noqa: S308 - our own template's output


# The filter forms' choices are read live with the form; an entry only spares rendering them again.
FILTERS_SECONDS = 60 * 60


def cached_filters(request: OrgRequest, form: FilterForm, template: str, query: dict[str, str]) -> str:
    """The filter form as `template` renders it (a valid one: errors are rendered with the page). Django renders
    every option of a select through a template; the text depends only on the choices (read live, with the
    form), the values asked for and `query` (the page's link to all figures, when it has figures), so it is
    rendered once for everyone who gets the same."""
    organization = request.organization
    fields = form.fields.items()
    inputs = (
        template,
        organization.slug,
        tuple(query.items()),
        tuple((name, form.data.get(name), getattr(field, "choices", None)) for name, field in fields),
    )

    def render_filters() -> str:
        return str(render_to_string(template, {"form": form, "query": query, "slug": organization.slug}))

    html = inputs_rendered(
        organization=organization, kind="filters", inputs=inputs, render=render_filters, seconds=FILTERS_SECONDS
    )
    return mark_safe(html)  # noqa: S308 - our own template's output
