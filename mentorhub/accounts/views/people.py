"""The people directory (the roster): list with live search, a profile per person, CSV export for admins.
Job levels and hiring/leaving dates are shown to admins only. Members and stakeholders see current colleagues
only (a leaver's profile is 404 to them) and the columns their organization chose (DIRECTORY_COLUMNS)."""

from __future__ import annotations

import csv
import zoneinfo
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.htmx import is_htmx, vary_on_htmx

from .. import roster_csv, selectors
from ..models import Employee

PAGE_SIZE = 50


def _filters(request: OrgRequest) -> dict[str, str]:
    sees_everyone = selectors.directory_sees_everyone(request.membership)
    return {
        "q": request.GET.get("q", "").strip()[:200],
        "department": request.GET.get("department", "").strip()[:120],
        # Only admins may include leavers; for anyone else the parameter is ignored.
        "include_left": "1" if sees_everyone and request.GET.get("include_left") else "",
    }


def _filtered_employees(request: OrgRequest, filters: dict[str, str]):
    return selectors.employees(
        organization=request.organization,
        search=filters["q"],
        department=filters["department"],
        include_departed=bool(filters["include_left"]),
    )


def _roster_import_url(request: OrgRequest) -> str | None:
    if not request.membership.is_admin:
        return None
    try:
        return reverse("roster-import-new", kwargs={"org_slug": request.organization.slug})
    except NoReverseMatch:  # the import pages are built separately; the button appears once they exist
        return None


def _local_time(now: datetime, zone_name: str) -> dict[str, str] | None:
    """`now` in the zone as the row shows it (None for a zone the time zone database does not know)."""
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(zone_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return {"iso": local.isoformat(), "clock": f"{local:%H:%M}"}


def _rows(people: Iterable[Employee], now: datetime) -> list[dict[str, Any]]:
    """Each person with their local time, worked out once per zone (a page holds a few zones, not 50)."""
    local_times: dict[str, dict[str, str] | None] = {}
    rows = []
    for person in people:
        if person.time_zone not in local_times:
            local_times[person.time_zone] = _local_time(now, person.time_zone)
        rows.append({"person": person, "local_time": local_times[person.time_zone]})
    return rows


@org_view()
@require_GET
def people_list(request: OrgRequest) -> HttpResponse:
    filters = _filters(request)
    # The list shows no one's manager (the profile and the export do): no join, half the rows to build.
    people = _filtered_employees(request, filters).select_related(None)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    active = {key: value for key, value in filters.items() if value}
    context = {
        "nav_section": "people",
        "filters": filters,
        "page": page,
        "people": page.object_list,
        # Each row shows the person's local time.
        "rows": _rows(page.object_list, timezone.now()),
        # A person's page is this plus their id: one reverse for the page, not one per row.
        "people_url": reverse("people-list", kwargs={"org_slug": request.organization.slug}),
        "querystring": urlencode(active),
        "is_filtered": bool(filters["q"] or filters["department"]),
        # Only asked when the page is empty, to tell "no matches" from "no roster yet".
        "roster_is_empty": not page.object_list and not selectors.employees(organization=request.organization).exists(),
        "roster_import_url": _roster_import_url(request),
        "show_hr_fields": request.membership.is_admin,
        "can_include_left": selectors.directory_sees_everyone(request.membership),
        "columns": selectors.directory_columns(membership=request.membership),
    }
    if is_htmx(request):
        context["is_fragment"] = True
        response = render(request, "accounts/_people_results.html", context)
    else:
        context["departments"] = selectors.departments(organization=request.organization)
        response = render(request, "accounts/people_list.html", context)
    return vary_on_htmx(response)


@org_view()
@require_GET
def people_detail(request: OrgRequest, employee_pk: int) -> HttpResponse:
    organization = request.organization
    # Members and stakeholders see current colleagues only: a leaver is "not found" to them.
    sees_everyone = selectors.directory_sees_everyone(request.membership)
    people = selectors.employees(organization=organization, include_departed=sees_everyone)
    person = get_scoped_or_404(people, organization, pk=employee_pk)
    manager = person.manager if person.manager is not None and (sees_everyone or person.manager.is_current) else None
    reports = selectors.employee_reports(organization=organization, employee=person, include_departed=sees_everyone)
    # Job level, hiring and leaving dates and the employment history are HR data: admins only (as in the
    # API); everyone sees the rest of the profile.
    show_hr_fields = request.membership.is_admin
    events = list(selectors.employee_events(organization=organization, employee=person)) if show_hr_fields else None
    context = {
        "nav_section": "people",
        "person": person,
        "now": timezone.now(),
        "manager": manager,
        "reports": list(reports),
        "events": events,
        "show_hr_fields": show_hr_fields,
        "columns": selectors.directory_columns(membership=request.membership),
    }
    return render(request, "accounts/people_detail.html", context)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def roster_csv_rows(people: Iterable[Employee]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The roster import's columns, in its order, so an export can be edited and uploaded again as it is.
    yield writer.writerow(roster_csv.COLUMNS)
    for person in people:
        # Text cells come from the roster file and are opened in spreadsheets: defused (the roster import
        # undoes it, so the file can be uploaded again as it is).
        yield writer.writerow(
            [
                safe_cell(person.employee_id),
                safe_cell(person.email),
                safe_cell(person.name),
                safe_cell(person.title),
                safe_cell(person.department),
                person.job_level,
                safe_cell(person.location),
                safe_cell(person.time_zone),
                safe_cell(person.manager.employee_id) if person.manager is not None else "",
                person.hired_on.isoformat(),
                person.left_on.isoformat() if person.left_on else "",
            ]
        )


@org_view(roles=["admin"])
@require_GET
def people_export(request: OrgRequest) -> StreamingHttpResponse:
    """The rows the current search shows (all of them, not one page), in the import format."""
    filters = _filters(request)
    people = _filtered_employees(request, filters).iterator(chunk_size=2000)
    response = StreamingHttpResponse(roster_csv_rows(people), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{request.organization.slug}-people-{stamp}.csv"'
    return response
