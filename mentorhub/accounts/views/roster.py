"""Roster import pages: upload a CSV, watch it apply, re-run a failed one. Admins only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.htmx import HTMX_STOP_POLLING, is_htmx

from .. import roster_csv, selectors
from ..models import RosterImport
from ..services.roster_import import roster_import_can_rerun, roster_import_rerun, roster_import_start

# A file can have an error on every row; the page lists this many and says how many more there are.
ERRORS_SHOWN = 200
RECENT_IMPORTS = 10


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def roster_import_new(request: OrgRequest) -> HttpResponse:
    errors: list[roster_csv.RosterError] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [roster_csv.RosterError(None, "file", "Choose a CSV file to upload.")]
        else:
            try:
                roster_import = roster_import_start(
                    organization=request.organization,
                    actor=request.user,
                    filename=upload.name or "",
                    content=roster_csv.read_upload(upload),
                )
            except roster_csv.RosterValidationError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("“%(filename)s” passed every check; its %(rows)s rows are being applied.")
                    % {
                        "filename": roster_import.filename,
                        "rows": number_format(roster_import.total_rows, force_grouping=True),
                    },
                )
                return redirect("roster-import-detail", org_slug=request.organization.slug, import_pk=roster_import.pk)
    recent = selectors.roster_imports_with_progress(
        selectors.roster_imports(organization=request.organization)[:RECENT_IMPORTS]
    )
    context = {
        "nav_section": "people",
        "errors": errors[:ERRORS_SHOWN],
        "error_count": len(errors),
        "hidden_error_count": max(0, len(errors) - ERRORS_SHOWN),
        "columns": [
            {"name": name, "required": name in roster_csv.REQUIRED_COLUMNS, "help": roster_csv.COLUMN_HELP[name]}
            for name in roster_csv.COLUMNS
        ],
        "max_megabytes": settings.ROSTER_IMPORT_MAX_BYTES / 1_048_576,
        "recent_imports": recent,
    }
    return render(request, "accounts/roster_import_new.html", context, status=400 if errors else 200)


@org_view(roles=["admin"])
@require_GET
def roster_import_template(request: OrgRequest) -> HttpResponse:
    response = HttpResponse(roster_csv.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roster-template.csv"'
    return response


@org_view(roles=["admin"])
@require_GET
def roster_import_detail(request: OrgRequest, import_pk: int) -> HttpResponse:
    """The import's page; htmx polls the same URL for the status partial while it is queued or running."""
    roster_import = get_scoped_or_404(
        selectors.roster_imports(organization=request.organization), request.organization, pk=import_pk
    )
    selectors.roster_imports_with_progress([roster_import])
    context = {"nav_section": "people", **_status_context(roster_import)}
    if is_htmx(request):
        response = render(request, "accounts/roster_import_status.html", context)
        if roster_import.is_finished:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "accounts/roster_import_detail.html", context)


def _status_context(roster_import: RosterImport) -> dict:
    total = roster_import.total_rows
    processed = total if roster_import.status == RosterImport.Status.DONE else roster_import.processed_rows
    seconds = None
    if roster_import.started_at and roster_import.finished_at:
        seconds = (roster_import.finished_at - roster_import.started_at).total_seconds()
    return {
        "roster_import": roster_import,
        "processed": processed,
        "percent": processed * 100 // total if total else 0,
        "seconds": seconds,
        "can_rerun": roster_import_can_rerun(roster_import),
    }


@org_view(roles=["admin"])
@require_POST
def roster_import_rerun_view(request: OrgRequest, import_pk: int) -> HttpResponse:
    roster_import = get_scoped_or_404(
        selectors.roster_imports(organization=request.organization), request.organization, pk=import_pk
    )
    try:
        roster_import_rerun(organization=request.organization, actor=request.user, import_id=roster_import.pk)
    except ValidationError:
        # Usually a second click: the first one already queued it again.
        messages.info(request, _("This import is not failed, so there is nothing to re-run."))
    else:
        messages.success(request, _("The import was queued again."))
    return redirect("roster-import-detail", org_slug=request.organization.slug, import_pk=roster_import.pk)
