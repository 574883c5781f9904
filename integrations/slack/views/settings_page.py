"""Settings -> Slack (admins only): install the app in the organization's workspace (Slack's OAuth v2 flow),
see which workspace it is in, and uninstall it (asked first)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import service_error_text

from .. import selectors
from ..client import authorize_url, slack_configured
from ..services.installations import slack_installation_complete, slack_installation_remove

NAV = "slack"
SESSION_KEY = "slack_oauth"  # the pending installation: {"state": ..., "org": slug}


def _public_url(name: str) -> str:
    """An address Slack is given, on SITE_URL (the one set in the Slack app, whichever host the admin used)."""
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _redirect_uri(request: HttpRequest) -> str:
    return _public_url("slack-oauth-return")


def _page_url(request: OrgRequest) -> str:
    return reverse("slack-settings", kwargs={"org_slug": request.organization.slug})


@org_view(roles=["admin"])
@require_GET
def slack_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    installation = selectors.installation_for(organization=organization)
    context = {
        "nav_section": NAV,
        "installation": installation,
        "configured": slack_configured(),
        "linked": selectors.linked_people_count(organization=organization) if installation else 0,
        "redirect_uri": _redirect_uri(request),
        "interactivity_url": _public_url("slack-interactions"),
        "events_url": _public_url("slack-events"),
    }
    return render(request, "integrations/slack_settings.html", context)


@org_view(roles=["admin"])
@require_POST
def slack_install(request: OrgRequest) -> HttpResponse:
    """Off to Slack's consent page, with a state bound to this browser session and this organization."""
    if not slack_configured():
        messages.error(request, _("The Slack app is not set up on this server yet (docs/integrations.md, Slack)."))
        return redirect(_page_url(request))
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state, "org": request.organization.slug}
    return HttpResponseRedirect(authorize_url(state=state, redirect_uri=_redirect_uri(request)))


@require_GET
def slack_oauth_return(request: HttpRequest) -> HttpResponse:
    """Slack sends the admin's browser back here, one address for every organization (the app's redirect URL):
    on to the organization whose installation this browser session started, where the admin is checked again.
    Nothing pending in this session: 404."""
    pending = request.session.get(SESSION_KEY) or {}
    if not pending.get("org"):
        raise Http404("No Slack installation was started here.")
    url = reverse("slack-callback", kwargs={"org_slug": pending["org"]})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@org_view(roles=["admin"])
@require_GET
def slack_callback(request: OrgRequest) -> HttpResponse:
    """The end of the installation: the state must be the one this session started for this organization
    (used once), then the code is exchanged for the bot token."""
    pending = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if (
        not pending.get("state")
        or pending.get("org") != request.organization.slug
        or not secrets.compare_digest(str(pending["state"]), state)
    ):
        messages.error(request, _("This Slack installation was not started here, or has expired. Start it again."))
        return redirect(_page_url(request))
    if request.GET.get("error"):
        messages.error(request, _("The installation was cancelled in Slack."))
        return redirect(_page_url(request))
    try:
        installation = slack_installation_complete(
            organization=request.organization,
            actor=request.user,
            code=request.GET.get("code", ""),
            redirect_uri=_redirect_uri(request),
            client_id=settings.SLACK_CLIENT_ID,
            client_secret=settings.SLACK_CLIENT_SECRET,
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
        return redirect(_page_url(request))
    messages.success(
        request, _("MentorHub is installed in the Slack workspace %(team)s.") % {"team": installation.team_name}
    )
    return redirect(_page_url(request))


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def slack_uninstall(request: OrgRequest) -> HttpResponse:
    installation = selectors.installation_for(organization=request.organization)
    if installation is None:
        return redirect(_page_url(request))
    if request.method == "POST":
        slack_installation_remove(organization=request.organization, actor=request.user)
        messages.success(request, _("MentorHub was removed from Slack. Nobody gets Slack messages from it now."))
        return redirect(_page_url(request))
    return render(
        request, "integrations/slack_uninstall_confirm.html", {"nav_section": NAV, "installation": installation}
    )
