"""The addresses Slack calls (set in the Slack app's settings): interactivity (button clicks, dialogs) and
events (the app uninstalled, its tokens revoked). Public and without CSRF tokens: every request is verified by
its signature and timestamp instead, and a replay is refused (integrations/slack/signing.py)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mentorhub.db.tenant_scope import activate_organization

from ..selectors import unscoped_installation_by_team
from ..services.installations import slack_installation_remove
from ..services.interactions import slack_interaction_handle
from ..signing import request_verified

MAX_BODY = 1_000_000


def _verified(request: HttpRequest) -> bool:
    try:
        body = request.body
    except RawPostDataException:  # a multipart form read by a middleware already: not a request from Slack
        return False
    if len(body) > MAX_BODY:
        return False
    return request_verified(
        body=body,
        timestamp=request.headers.get("X-Slack-Request-Timestamp"),
        signature=request.headers.get("X-Slack-Signature"),
    )


def _refused() -> HttpResponse:
    return HttpResponse("Not a verified request from Slack.", status=401, content_type="text/plain")


@csrf_exempt
@transaction.non_atomic_requests  # the service commits before the message shows its outcome (as Teams does)
@require_POST
def slack_interactions(request: HttpRequest) -> HttpResponse:
    if not _verified(request):
        return _refused()
    try:
        payload = json.loads(parse_qs(request.body.decode()).get("payload", [""])[0])
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("No payload.", status=400, content_type="text/plain")
    if not isinstance(payload, dict):
        return HttpResponse("No payload.", status=400, content_type="text/plain")
    team_id = (payload.get("team") or {}).get("id") or (payload.get("user") or {}).get("team_id") or ""
    installation = unscoped_installation_by_team(team_id=team_id)
    if installation is None:  # uninstalled (or never installed): nothing is answered
        return HttpResponse(status=200)
    activate_organization(installation.organization_id)
    answer = slack_interaction_handle(installation=installation, payload=payload)
    return JsonResponse(answer.body) if answer.body else HttpResponse(status=200)


@csrf_exempt
@require_POST
def slack_events(request: HttpRequest) -> HttpResponse:
    if not _verified(request):
        return _refused()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse("Not JSON.", status=400, content_type="text/plain")
    if not isinstance(payload, dict):
        return HttpResponse("Not JSON.", status=400, content_type="text/plain")
    if payload.get("type") == "url_verification":
        return JsonResponse({"challenge": str(payload.get("challenge", ""))})
    event = payload.get("event") or {}
    if payload.get("type") == "event_callback" and event.get("type") in ("app_uninstalled", "tokens_revoked"):
        installation = unscoped_installation_by_team(team_id=payload.get("team_id", ""))
        revoked_bot = event.get("type") == "app_uninstalled" or bool((event.get("tokens") or {}).get("bot"))
        if installation is not None and revoked_bot:
            activate_organization(installation.organization_id)
            slack_installation_remove(organization=installation.organization, actor=None, revoke=False)
    return HttpResponse(status=200)
