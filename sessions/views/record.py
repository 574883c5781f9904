"""The mentoring record (sessions/selectors/record.py): the participant's own page (printable) and PDF, the links
they make to show it to their manager (made, listed, revoked), and the pages those links open without a sign-in.

A link's page is read-only and must not travel further than the person it was sent to: no search engine indexes
it (X-Robots-Tag and a robots meta tag), no link on it leaks its address to another site (Referrer-Policy
no-referrer), no shared cache keeps it. A wrong secret is 404 (as for any secret link); a link that was real but
expired, was revoked or outlived the person's access is 410, "gone", so the manager knows to ask for a new one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.accounts.models import Employee
from mentorhub.tenancy import OrgRequest, employee_or_404, org_view
from mentorhub.web.errors import form_add_service_error

from ..forms import RecordShareForm
from ..models import RecordShare
from ..record_pdf import record_pdf
from ..selectors.record import MentoringRecord, mentoring_record, record_share_of, record_shares_of
from ..services.record_shares import (
    SHARE_DAYS,
    record_share_by_token,
    record_share_create,
    record_share_is_open,
    record_share_revoke,
    record_share_view,
)
from .common import TAKING_PART, zone_name


def _pdf_response(record: MentoringRecord) -> HttpResponse:
    response = HttpResponse(record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="mentoring-record.pdf"'
    return response


def _record_page(
    request: OrgRequest, employee: Employee, form: RecordShareForm | None = None, status: int = 200
) -> HttpResponse:
    organization = request.organization
    now = timezone.now()
    shares = record_shares_of(organization=organization, employee=employee)
    context = {
        "nav_section": "mentoring",
        "record": mentoring_record(organization=organization, employee=employee, zone=zone_name()),
        "shares": [{"share": share, "open": share.is_open(now)} for share in shares],
        "form": form or RecordShareForm(initial={"days": SHARE_DAYS[0]}),
        "manager": employee.manager.name if employee.manager_id and employee.manager else "",
    }
    return render(request, "sessions/record.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_GET
def my_record(request: OrgRequest) -> HttpResponse:
    employee = employee_or_404(request)
    return _record_page(request, employee)


@org_view(roles=TAKING_PART)
@require_GET
def my_record_pdf(request: OrgRequest) -> HttpResponse:
    employee = employee_or_404(request)
    record = mentoring_record(organization=request.organization, employee=employee, zone=zone_name())
    return _pdf_response(record)


@org_view(roles=TAKING_PART)
@require_POST
def record_share_new(request: OrgRequest) -> HttpResponse:
    """Make a link and show it, once: only its hash is kept, so no page can show it again."""
    employee = employee_or_404(request)
    form = RecordShareForm(request.POST)
    if form.is_valid():
        try:
            share, raw = record_share_create(
                organization=request.organization, actor=request.user, employee=employee, days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form_add_service_error(form, error, unkeyed_field="days")
        else:
            context = {
                "nav_section": "mentoring",
                "share": share,
                "share_url": request.build_absolute_uri(reverse("record-shared", kwargs={"token": raw})),
            }
            response = render(request, "sessions/record_share_created.html", context)
            # The page holds the secret: never kept by a cache, never sent on as a referrer.
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "no-referrer"
            return response
    return _record_page(request, employee, form=form, status=400)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def record_share_revoke_page(request: OrgRequest, share_pk: int) -> HttpResponse:
    """GET asks to confirm; POST closes the link at once."""
    employee = employee_or_404(request)
    share = record_share_of(organization=request.organization, employee=employee, share_id=share_pk)
    if share is None:
        raise Http404("No such link.")
    if request.method == "POST":
        record_share_revoke(organization=request.organization, actor=request.user, employee=employee, share_id=share.pk)
        messages.success(request, _("The link is revoked: it opens nothing from now on."))
        return redirect("mentoring-record", org_slug=request.organization.slug)
    return render(request, "sessions/record_share_revoke.html", {"nav_section": "mentoring", "share": share})


# --- The pages a link opens (no sign-in) -------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


def _open_share(request: HttpRequest, token: str) -> RecordShare | HttpResponse:
    share = record_share_by_token(token)
    if share is None:  # first: a wrong secret is "not found" whatever the method
        raise Http404("No such link.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not record_share_is_open(share):
        return _private(render(request, "sessions/record_share_gone.html", {"share": share}, status=410))
    return share


@never_cache
def record_shared(request: HttpRequest, token: str) -> HttpResponse:
    share = _open_share(request, token)
    if isinstance(share, HttpResponse):
        return share
    record_share_view(share=share, file_format="page")
    record = mentoring_record(organization=share.organization, employee=share.employee, zone=share.employee.time_zone)
    context = {
        "record": record,
        "share": share,
        "pdf_url": reverse("record-shared-pdf", kwargs={"token": token}),
    }
    return _private(render(request, "sessions/record_shared.html", context))


@never_cache
def record_shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    share = _open_share(request, token)
    if isinstance(share, HttpResponse):
        return share
    record_share_view(share=share, file_format="pdf")
    record = mentoring_record(organization=share.organization, employee=share.employee, zone=share.employee.time_zone)
    return _private(_pdf_response(record))
