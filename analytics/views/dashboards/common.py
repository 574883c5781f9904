"""What the dashboard pages share: who may read them, the printable version, and the CSV of one table."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mentorhub.accounts.models import Role
from mentorhub.csv_safety import safe_cell
from mentorhub.web.htmx import HTMX_STOP_POLLING

from ...reports.builds import Preparing
from .cells import Table

# HR admins and stakeholders read the dashboards; members answer 403 (they know the organization).
DASHBOARD_ROLES = (Role.ADMIN, Role.STAKEHOLDER)


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


def figures_poll_response(
    request: HttpRequest, report: object, figures_template: str, context: dict[str, Any]
) -> HttpResponse:
    """The answer to the poll of a page whose figures a task prepares (templates/analytics/_preparing.html).
    Still preparing: 204, nothing to swap, so htmx polls on and the live region stays quiet. Ready: the status
    says so and the figures go into their place (out of band); failed: the status says that. Both stop the
    polling (286)."""
    if isinstance(report, Preparing) and not report.failed:
        return HttpResponse(status=204)
    context = {**context, "figures_template": figures_template, "ready": not isinstance(report, Preparing)}
    if isinstance(report, Preparing):
        context["preparing"] = report
    response = render(request, "analytics/_figures_poll.html", context)
    response.status_code = HTMX_STOP_POLLING
    return response
