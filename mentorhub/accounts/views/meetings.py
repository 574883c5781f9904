"""Meeting settings (admins only): the video link template used for sessions scheduled without a link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from ..forms import VideoLinkForm
from ..services.meetings import organization_video_link_update


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def meeting_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    status = 200
    if request.method == "POST":
        form = VideoLinkForm(request.POST)
        if form.is_valid():
            try:
                organization_video_link_update(
                    organization=organization, actor=request.user, template=form.cleaned_data["video_link_template"]
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Saved. New video sessions without a link get this one."))
                return redirect("meeting-settings", org_slug=organization.slug)
        status = 400
    else:
        form = VideoLinkForm(initial={"video_link_template": organization.video_link_template})
    context = {"nav_section": "meetings", "form": form}
    return render(request, "accounts/meeting_settings.html", context, status=status)
