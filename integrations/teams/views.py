"""The Teams app's pages: Settings -> Microsoft Teams and its app package (admins), and the bot's messaging
endpoint, which the Bot Framework Connector calls (public, no cookie, proven by its JWT: auth.py)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from .activities import handle_activity
from .auth import TeamsAuthError, activity_claims
from .forms import TeamsSettingsForm
from .manifest import manifest_zip
from .selectors import installation_of, teams_figures
from .services.installation import teams_installation_update

MAX_ACTIVITY_BYTES = 256 * 1024


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def teams_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    installation = installation_of(organization=organization)
    status = 200
    if request.method == "POST":
        form = TeamsSettingsForm(request.POST)
        if form.is_valid():
            try:
                teams_installation_update(
                    organization=organization,
                    actor=request.user,
                    tenant_id=form.cleaned_data["tenant_id"],
                    enabled=form.cleaned_data["enabled"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("teams-settings", org_slug=organization.slug)
        status = 400
    else:
        initial = {"tenant_id": installation.tenant_id, "enabled": installation.enabled} if installation else {}
        form = TeamsSettingsForm(initial=initial)
    context = {
        "nav_section": "teams",
        "form": form,
        "installation": installation,
        "app_id": settings.TEAMS_APP_ID,
        "messaging_endpoint": request.build_absolute_uri("/integrations/teams/messages"),
        "figures": teams_figures(organization=organization),
    }
    return render(request, "integrations/teams_settings.html", context, status=status)


@org_view(roles=["admin"])
@require_GET
def teams_manifest(request: OrgRequest) -> HttpResponse:
    """The app package for the organization's Teams admin; without a bot configured there is none to give."""
    organization = request.organization
    if not settings.TEAMS_APP_ID:
        messages.error(request, _("The Teams app is not configured on this MentorHub yet: ask its operator."))
        return redirect("teams-settings", org_slug=organization.slug)
    response = HttpResponse(manifest_zip(organization, settings.TEAMS_APP_ID), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="mentorhub-teams-{slugify(organization.slug)}.zip"'
    return response


@csrf_exempt
@require_POST
@transaction.non_atomic_requests  # a card's action locks its row for its own transaction only, not the Connector calls
def teams_messages(request: HttpRequest) -> HttpResponse:
    """The Bot Framework Connector posts every activity here. Without its JWT: 401, before anything is read."""
    authorization = request.headers.get("Authorization", "")
    if not authorization.lower().startswith("bearer "):
        return JsonResponse({"error": "unauthorized"}, status=401)
    try:
        body = request.body
    except RawPostDataException:  # a form post read by a middleware: not an activity
        body = b""
    if len(body) > MAX_ACTIVITY_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        activity = json.loads(body)
    except ValueError:
        activity = None
    if not isinstance(activity, dict):
        return JsonResponse({"error": "not an activity"}, status=400)
    try:
        activity_claims(authorization, activity)
    except TeamsAuthError:
        return JsonResponse({"error": "unauthorized"}, status=401)
    answer = handle_activity(activity)
    if answer.body is None:
        return HttpResponse(status=200)
    return JsonResponse(answer.body, status=200)
