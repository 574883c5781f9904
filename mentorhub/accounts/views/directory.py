"""The people directory's settings (admins only): which optional columns members and stakeholders see."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view

from ..forms import DirectoryColumnsForm
from ..services.directory import organization_directory_update


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def directory_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    if request.method == "POST":
        form = DirectoryColumnsForm(request.POST)
        if form.is_valid():
            organization_directory_update(
                organization=organization, actor=request.user, columns=form.cleaned_data["columns"]
            )
            messages.success(request, _("Saved. Members now see the chosen columns in the people directory."))
            return redirect("directory-settings", org_slug=organization.slug)
        status = 400
    else:
        form = DirectoryColumnsForm(initial={"columns": organization.directory_columns})
        status = 200
    context = {"nav_section": "people", "form": form}
    return render(request, "accounts/directory_settings.html", context, status=status)
