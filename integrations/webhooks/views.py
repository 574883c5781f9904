"""Settings -> Webhooks (admins only): the endpoints, their events and secrets, and each one's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.accounts.outbox import EVENT_TYPES
from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from . import selectors
from .forms import EndpointForm
from .services import (
    delivery_send_again,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_send_test,
    endpoint_set_enabled,
    endpoint_update,
)

NAV = "webhooks"
PAGE_SIZE = 25


@org_view(roles=["admin"])
@require_http_methods(["GET"])
def webhook_list(request: OrgRequest) -> HttpResponse:
    endpoints = list(selectors.webhook_endpoints(organization=request.organization))
    return render(
        request,
        "integrations/webhooks/list.html",
        {"nav_section": NAV, "endpoints": endpoints, "event_types": EVENT_TYPES},
    )


def _secret_page(request: OrgRequest, endpoint: object, secret: str, *, created: bool) -> HttpResponse:
    """The secret, shown this once (the answer to the POST itself: it is stored nowhere else readable)."""
    response = render(
        request,
        "integrations/webhooks/secret.html",
        {"nav_section": NAV, "endpoint": endpoint, "secret": secret, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def webhook_new(request: OrgRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(
                organization=request.organization,
                actor=request.user,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return _secret_page(request, endpoint, secret, created=True)
    status = 400 if request.method == "POST" else 200
    return render(request, "integrations/webhooks/form.html", {"nav_section": NAV, "form": form}, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def webhook_detail(request: OrgRequest, endpoint_pk: int) -> HttpResponse:
    organization = request.organization
    endpoint = selectors.webhook_endpoint_get(organization=organization, endpoint_id=endpoint_pk)
    form = EndpointForm(request.POST or None, endpoint=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint_update(
                organization=organization,
                actor=request.user,
                endpoint_id=endpoint.pk,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The webhook endpoint is saved."))
            return redirect("webhook-detail", org_slug=organization.slug, endpoint_pk=endpoint.pk)
    status = 400 if request.method == "POST" else 200
    context = {"nav_section": NAV, "form": form, "endpoint": endpoint}
    return render(request, "integrations/webhooks/form.html", context, status=status)


@org_view(roles=["admin"])
@require_POST
def webhook_rotate(request: OrgRequest, endpoint_pk: int) -> HttpResponse:
    organization = request.organization
    endpoint = selectors.webhook_endpoint_get(organization=organization, endpoint_id=endpoint_pk)
    secret = endpoint_rotate_secret(organization=organization, actor=request.user, endpoint_id=endpoint.pk)
    return _secret_page(request, endpoint, secret, created=False)


@org_view(roles=["admin"])
@require_POST
def webhook_toggle(request: OrgRequest, endpoint_pk: int) -> HttpResponse:
    organization = request.organization
    enabled = request.POST.get("enabled") == "1"
    endpoint = endpoint_set_enabled(
        organization=organization, actor=request.user, endpoint_id=endpoint_pk, enabled=enabled
    )
    if enabled:
        messages.success(request, _("%(url)s is on: events are sent to it again.") % {"url": endpoint.url})
    else:
        messages.success(request, _("%(url)s is off: nothing is sent to it.") % {"url": endpoint.url})
    return redirect("webhook-list", org_slug=organization.slug)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def webhook_delete(request: OrgRequest, endpoint_pk: int) -> HttpResponse:
    organization = request.organization
    endpoint = selectors.webhook_endpoint_get(organization=organization, endpoint_id=endpoint_pk)
    if request.method == "POST":
        url = endpoint_delete(organization=organization, actor=request.user, endpoint_id=endpoint.pk)
        messages.success(request, _("The webhook endpoint %(url)s is deleted.") % {"url": url})
        return redirect("webhook-list", org_slug=organization.slug)
    return render(request, "integrations/webhooks/delete_confirm.html", {"nav_section": NAV, "endpoint": endpoint})


@org_view(roles=["admin"])
@require_POST
def webhook_test(request: OrgRequest, endpoint_pk: int) -> HttpResponse:
    organization = request.organization
    endpoint = selectors.webhook_endpoint_get(organization=organization, endpoint_id=endpoint_pk)
    endpoint_send_test(organization=organization, actor=request.user, endpoint_id=endpoint.pk)
    messages.success(request, _("A test event is on its way; its delivery shows below within a minute."))
    return redirect("webhook-deliveries", org_slug=organization.slug, endpoint_pk=endpoint.pk)


@org_view(roles=["admin"])
@require_http_methods(["GET"])
def webhook_deliveries(request: OrgRequest, endpoint_pk: int) -> HttpResponse:
    organization = request.organization
    endpoint = selectors.webhook_endpoint_get(organization=organization, endpoint_id=endpoint_pk)
    deliveries = selectors.webhook_deliveries(organization=organization, endpoint=endpoint)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav_section": NAV, "endpoint": endpoint, "page": page}
    return render(request, "integrations/webhooks/deliveries.html", context)


@org_view(roles=["admin"])
@require_POST
def webhook_send_again(request: OrgRequest, endpoint_pk: int, delivery_pk: int) -> HttpResponse:
    organization = request.organization
    endpoint = selectors.webhook_endpoint_get(organization=organization, endpoint_id=endpoint_pk)
    queued = delivery_send_again(
        organization=organization, actor=request.user, endpoint_id=endpoint.pk, delivery_id=delivery_pk
    )
    if queued:
        messages.success(request, _("The event is queued to be sent again."))
    else:
        messages.info(request, _("The event is already waiting to be sent."))
    return redirect("webhook-deliveries", org_slug=organization.slug, endpoint_pk=endpoint.pk)
