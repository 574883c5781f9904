"""Branding (admins only): the name, colour and logo of the organization's emails; and the logo itself, served
to whoever reads an email (no sign-in: mail clients fetch it)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.email import DEFAULT_COLOUR, Branding
from mentorhub.web.errors import form_add_service_error

from ..branding import branding_of
from ..forms import BrandingForm
from ..services.branding import LOGO_MAX_BYTES, logo_path, organization_branding_update

LOGO_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg)$")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def branding_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    status = 200
    if request.method == "POST":
        form = BrandingForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["logo"]
            try:
                logo = None
                if upload is not None:
                    if upload.size > LOGO_MAX_BYTES:  # refused before it is read into memory
                        raise ValidationError(
                            {"logo": _("The logo is too large: at most %(kb)s KB.") % {"kb": LOGO_MAX_BYTES // 1024}}
                        )
                    logo = upload.read()
                organization_branding_update(
                    organization=organization,
                    actor=request.user,
                    name=form.cleaned_data["brand_name"],
                    colour=form.cleaned_data["brand_colour"],
                    logo=logo,
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict") and upload is not None:
                    error = ValidationError({"logo": error.messages})
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Saved. Emails from now on show this branding."))
                return redirect("branding-settings", org_slug=organization.slug)
        status = 400
    else:
        form = BrandingForm(initial={"brand_name": organization.brand_name, "brand_colour": organization.brand_colour})
    branding = branding_of(organization)
    context = {
        "nav_section": "branding",
        "form": form,
        "branding": branding,
        # The page shows the logo from this site (its Content-Security-Policy allows 'self' only); emails use the
        # absolute address on SITE_URL, which may name another host than the one this page was opened at.
        "logo_path": reverse("brand-logo", kwargs={"token": organization.brand_logo})
        if organization.brand_logo
        else "",
        "default_branding": Branding(name=organization.name, colour=DEFAULT_COLOUR),
    }
    return render(request, "accounts/branding_settings.html", context, status=status)


def brand_logo(request: HttpRequest, token: str) -> HttpResponse | FileResponse:
    """A logo by its file name (a name that is none: 404, whatever the method). Named by its content: cached for
    a year, never changes."""
    if not LOGO_NAME.match(token) or not default_storage.exists(logo_path(token)):
        raise Http404("No such logo.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = FileResponse(default_storage.open(logo_path(token), "rb"), content_type=CONTENT_TYPES[token[-3:]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
