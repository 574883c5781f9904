"""API tokens (admins only): list, create (the secret is shown once), revoke after a confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view

from .. import selectors
from ..forms import ApiTokenForm
from ..models import ApiToken
from ..services.tokens import api_token_create, api_token_revoke


def _list_page(request: OrgRequest, form: ApiTokenForm, status: int = 200) -> HttpResponse:
    context = {
        "nav_section": "api-tokens",
        "tokens": list(selectors.api_tokens(organization=request.organization)),
        "form": form,
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def api_tokens(request: OrgRequest) -> HttpResponse:
    if request.method == "GET":
        return _list_page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    token, raw = api_token_create(
        organization=request.organization,
        actor=request.user,
        membership=request.membership,
        name=form.cleaned_data["name"],
        scopes=form.cleaned_data["scopes"],
        expires_in_days=form.cleaned_data["expires_in_days"],
    )
    # Rendered in the POST's answer, not after a redirect: the secret never goes into the session or a URL.
    slug = request.organization.slug
    context = {
        "nav_section": "api-tokens",
        "token": token,
        "raw_token": raw,
        "example_url": request.build_absolute_uri(f"/api/v1/o/{slug}/employees/"),
        "scim_url": request.build_absolute_uri(f"/scim/v2/o/{slug}/"),
    }
    response = render(request, "accounts/api_token_created.html", context, status=201)
    add_never_cache_headers(response)
    return response


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request: OrgRequest, token_pk: int) -> HttpResponse:
    token = get_scoped_or_404(ApiToken.objects.select_related("membership__user"), request.organization, pk=token_pk)
    if request.method == "POST":
        api_token_revoke(organization=request.organization, actor=request.user, token_id=token.pk)
        messages.success(
            request, _("The token “%(name)s” is revoked; requests that use it are now refused.") % {"name": token.name}
        )
        return redirect("api-tokens", org_slug=request.organization.slug)
    return render(request, "accounts/api_token_revoke_confirm.html", {"nav_section": "api-tokens", "token": token})
