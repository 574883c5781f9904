"""Language: every member chooses their own; admins choose the organization's default."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from ..forms import LanguageForm, OrganizationLanguageForm
from ..languages import organization_language, supported_or_none
from ..middleware import page_language
from ..services.languages import organization_language_update, user_language_update


@org_view()
@require_http_methods(["GET", "POST"])
def language_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    is_admin = request.membership.is_admin
    status = 200
    form = LanguageForm(initial={"language": request.user.language})
    org_form = OrganizationLanguageForm(initial={"default_language": organization.default_language})
    if request.method == "POST":
        which = request.POST.get("which")
        if which == "organization" and is_admin:
            org_form = OrganizationLanguageForm(request.POST)
            if org_form.is_valid():
                try:
                    organization_language_update(
                        organization=organization,
                        actor=request.user,
                        language=org_form.cleaned_data["default_language"],
                    )
                except ValidationError as error:
                    form_add_service_error(org_form, error)
                else:
                    messages.success(request, _("Saved. People who chose no language now get this one."))
                    return redirect("language-settings", org_slug=organization.slug)
        else:
            form = LanguageForm(request.POST)
            if form.is_valid():
                try:
                    user = user_language_update(
                        organization=organization, actor=request.user, language=form.cleaned_data["language"]
                    )
                except ValidationError as error:
                    form_add_service_error(form, error)
                else:
                    # The confirmation is written in the language just chosen.
                    chosen = supported_or_none(user.language) or page_language(request)
                    translation.activate(chosen or organization_language(organization))
                    messages.success(request, _("Saved. MentorHub now speaks your language."))
                    return redirect("language-settings", org_slug=organization.slug)
        status = 400
    context = {"nav_section": "language", "form": form, "org_form": org_form if is_admin else None}
    return render(request, "accounts/language_settings.html", context, status=status)
