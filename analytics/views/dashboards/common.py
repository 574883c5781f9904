"""What the dashboard pages share: who may read them, the printable version, and the CSV of one table."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from mentorhub.accounts.models import Role
from mentorhub.csv_safety import safe_cell

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
