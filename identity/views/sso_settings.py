"""Settings -> Single sign-on (admins only): the identity provider connection, the policy, the claimed email
domains (each verified by a DNS TXT record; releasing one asks first) and the latest sign-in attempts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from .. import selectors
from ..forms.sso import DomainClaimForm, SsoSettingsForm, form_field_for
from ..models import ClaimedDomain, SsoConnection
from ..services.sso import domain_claim, domain_release, domain_verify, sso_connection_update
from ..sso.saml import saml_sp_urls

NAV = "sso"
CLAIM_ACTION = "claim-domain"


@dataclass(frozen=True)
class DomainRow:
    """A claimed domain as the page shows it: the ids of its TXT record's copy fields, and the errors of a
    verification that just failed."""

    claim: ClaimedDomain
    errors: list[str] = field(default_factory=list)

    @property
    def name_id(self) -> str:
        return f"txt-name-{self.claim.pk}"

    @property
    def value_id(self) -> str:
        return f"txt-value-{self.claim.pk}"


def _page(
    request: OrgRequest,
    *,
    connection: SsoConnection | None,
    form: SsoSettingsForm,
    domain_form: DomainClaimForm,
    status: int = 200,
    verify_errors: dict[int, list[str]] | None = None,
) -> HttpResponse:
    organization = request.organization
    shown = connection if connection is not None else SsoConnection(organization=organization)
    oidc_callback = reverse("openid_connect_callback", kwargs={"provider_id": f"org-{organization.slug}"})
    context = {
        "nav_section": NAV,
        "connection": connection,
        "form": form,
        "domain_form": domain_form,
        "claim_action": CLAIM_ACTION,
        "domains": [
            DomainRow(claim, (verify_errors or {}).get(claim.pk, []))
            for claim in selectors.claimed_domains(organization=organization)
        ],
        "attempts": selectors.sso_sign_in_attempts(organization=organization),
        "oidc_redirect_uri": request.build_absolute_uri(oidc_callback),
        "saml_urls": saml_sp_urls(request, shown),
    }
    return render(request, "identity/sso_settings.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def sso_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    connection = selectors.sso_connection_for(organization=organization)
    form = SsoSettingsForm(connection=connection)
    domain_form = DomainClaimForm()
    if request.method == "GET":
        return _page(request, connection=connection, form=form, domain_form=domain_form)
    if request.POST.get("action") == CLAIM_ACTION:
        domain_form = DomainClaimForm(request.POST)
        if domain_form.is_valid():
            try:
                claim = domain_claim(
                    organization=organization, actor=request.user, domain=domain_form.cleaned_data["domain"]
                )
            except ValidationError as error:
                form_add_service_error(domain_form, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(domain)s is claimed. Publish its TXT record in your DNS, then press Verify: until it is "
                        "verified, the domain does nothing."
                    )
                    % {"domain": claim.domain},
                )
                return redirect(reverse("sso-settings", kwargs={"org_slug": organization.slug}) + "#domains")
        return _page(request, connection=connection, form=form, domain_form=domain_form, status=400)
    form = SsoSettingsForm(request.POST, request.FILES, connection=connection)
    if form.is_valid():
        try:
            saved = sso_connection_update(organization=organization, actor=request.user, **form.service_fields())
        except ValidationError as error:
            form_add_service_error(form, error, field_for=form_field_for)
        else:
            state = _("on") if saved.enabled else _("off")
            messages.success(request, _("Single sign-on settings saved. SSO is %(state)s.") % {"state": state})
            return redirect("sso-settings", org_slug=organization.slug)
    return _page(request, connection=connection, form=form, domain_form=domain_form, status=400)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def sso_domain_release(request: OrgRequest, domain_pk: int) -> HttpResponse:
    organization = request.organization
    claim = selectors.claimed_domain_get(organization=organization, domain_id=domain_pk)
    if request.method == "POST":
        name = domain_release(organization=organization, actor=request.user, domain_id=claim.pk)
        messages.success(
            request,
            _("%(name)s is released: its people are no longer sent to your identity provider.") % {"name": name},
        )
        return redirect(reverse("sso-settings", kwargs={"org_slug": organization.slug}) + "#domains")
    connection = selectors.sso_connection_for(organization=organization)
    context = {"nav_section": NAV, "claim": claim, "connection": connection}
    return render(request, "identity/sso_domain_release_confirm.html", context)


@org_view(roles=["admin"])
@require_http_methods(["POST"])
def sso_domain_verify(request: OrgRequest, domain_pk: int) -> HttpResponse:
    """Look the claim's TXT record up in DNS; verified: back to the page, else the page with what DNS said."""
    organization = request.organization
    claim = selectors.claimed_domain_get(organization=organization, domain_id=domain_pk)
    already = claim.verified_at is not None
    try:
        domain_verify(organization=organization, actor=request.user, domain_id=claim.pk)
    except ValidationError as error:
        connection = selectors.sso_connection_for(organization=organization)
        return _page(
            request,
            connection=connection,
            form=SsoSettingsForm(connection=connection),
            domain_form=DomainClaimForm(),
            status=400,
            verify_errors={claim.pk: error.messages},
        )
    if not already:
        messages.success(
            request,
            _("%(domain)s is verified: its people are now sent to your identity provider when SSO is on.")
            % {"domain": claim.domain},
        )
    return redirect(reverse("sso-settings", kwargs={"org_slug": organization.slug}) + "#domains")
