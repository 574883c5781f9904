"""Members and invitations: who may sign in to the organization, with which role (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from .. import selectors
from ..forms import InvitationForm
from ..models import Invitation, Membership, Role
from ..services.invitations import invitation_create, invitation_resend, invitation_revoke
from ..services.memberships import membership_change_role, membership_remove

PAGE_SIZE = 50
# Most recent first; older ones stay in the audit log.
INVITATIONS_SHOWN = 50


def _role_options(selected: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in Role.choices),
    )


def _members_page(request: OrgRequest, invite_form: InvitationForm, status: int = 200) -> HttpResponse:
    organization = request.organization
    page = Paginator(selectors.memberships(organization=organization), PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = list(selectors.invitations(organization=organization)[: INVITATIONS_SHOWN + 1])
    # Each row as plain values: what the template would otherwise work out per row with a loop over the roles,
    # |date filters, {% url %} tags and lookups through the user and roster entry (most of the page's cost).
    role_options = {role: _role_options(role) for role in Role.values}
    members = []
    for membership in page.object_list:
        joined = timezone.localtime(membership.created_at)
        employee = membership.employee
        members.append(
            {
                "pk": membership.pk,
                "email": membership.user.email,
                "name": membership.user.name,
                "is_you": membership.pk == request.membership.pk,
                "employee_pk": employee.pk if employee is not None else None,
                "employee_name": employee.name if employee is not None else "",
                "joined_iso": joined.isoformat(),
                "joined": dateformat.format(joined, "M j, Y"),
                "role_options": role_options.get(membership.role) or _role_options(membership.role),
            }
        )
    context = {
        "nav_section": "members",
        "page": page,
        "members": members,
        "members_url": reverse("members", kwargs={"org_slug": organization.slug}),
        "people_url": reverse("people-list", kwargs={"org_slug": organization.slug}),
        "invitations": invitations[:INVITATIONS_SHOWN],
        "more_invitations": len(invitations) > INVITATIONS_SHOWN,
        "invite_form": invite_form,
    }
    return render(request, "accounts/members.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def members(request: OrgRequest) -> HttpResponse:
    """The members page; a POST is the invite form on it (so a refused form re-renders at the same URL)."""
    if request.method == "GET":
        return _members_page(request, InvitationForm())
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _raw = invitation_create(
                organization=request.organization,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            # A refusal without a field is about the address (already a member, already invited).
            form_add_service_error(form, error, unkeyed_field="email")
        else:
            # The email leaves from a background task: say it is on its way, not that it arrived.
            messages.success(
                request,
                _(
                    "Invitation created for %(email)s as %(role)s; the email with the link is on its way. The link "
                    "works once and expires on %(date)s. If it does not arrive, use Resend."
                )
                % {
                    "email": invitation.email,
                    "role": invitation.get_role_display().lower(),
                    "date": date_format(timezone.localtime(invitation.expires_at)),
                },
            )
            return redirect("members", org_slug=request.organization.slug)
    return _members_page(request, form, status=400)


@org_view(roles=["admin"])
@require_POST
def invitation_revoke_view(request: OrgRequest, invitation_pk: int) -> HttpResponse:
    # Resolve the object before reading the form: another organization's id is a 404 whatever is posted.
    invitation = get_scoped_or_404(Invitation, request.organization, pk=invitation_pk)
    try:
        invitation_revoke(organization=request.organization, actor=request.user, invitation_id=invitation.pk)
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request,
            _("The invitation of %(email)s is revoked; its link no longer works.") % {"email": invitation.email},
        )
    return redirect("members", org_slug=request.organization.slug)


@org_view(roles=["admin"])
@require_POST
def invitation_resend_view(request: OrgRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_scoped_or_404(Invitation, request.organization, pk=invitation_pk)
    try:
        invitation, _raw = invitation_resend(
            organization=request.organization,
            actor=request.user,
            invitation_id=invitation.pk,
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request,
            _("A new link for %(email)s is on its way; the earlier link no longer works. It expires on %(date)s.")
            % {"email": invitation.email, "date": date_format(timezone.localtime(invitation.expires_at))},
        )
    return redirect("members", org_slug=request.organization.slug)


@org_view(roles=["admin"])
@require_POST
def member_role(request: OrgRequest, membership_pk: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership.objects.select_related("user"), request.organization, pk=membership_pk)
    role = request.POST.get("role", "")
    try:
        membership_change_role(
            organization=request.organization, actor=request.user, membership_id=membership.pk, role=role
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        label = dict(Role.choices).get(role, role)
        messages.success(
            request, _("%(email)s is now %(role)s.") % {"email": membership.user.email, "role": label.lower()}
        )
        if membership.pk == request.membership.pk and role != Role.ADMIN:
            # They just gave up admin rights: the members page is no longer theirs to see.
            return redirect("org-home", org_slug=request.organization.slug)
    return redirect("members", org_slug=request.organization.slug)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def member_remove(request: OrgRequest, membership_pk: int) -> HttpResponse:
    membership = get_scoped_or_404(
        Membership.objects.select_related("user", "employee"), request.organization, pk=membership_pk
    )
    is_self = membership.pk == request.membership.pk
    if request.method == "POST":
        try:
            membership_remove(organization=request.organization, actor=request.user, membership_id=membership.pk)
        except ValidationError as error:
            messages.error(request, service_error_text(error))
            return redirect("members", org_slug=request.organization.slug)
        if is_self:
            messages.success(request, _("You left %(name)s.") % {"name": request.organization.name})
            return redirect("home")
        messages.success(
            request,
            _("%(email)s can no longer sign in to %(name)s.")
            % {"email": membership.user.email, "name": request.organization.name},
        )
        return redirect("members", org_slug=request.organization.slug)
    context = {
        "nav_section": "members",
        "target": membership,
        "is_self": is_self,
        "token_count": membership.api_tokens.filter(revoked_at__isnull=True).count(),
    }
    return render(request, "accounts/member_remove_confirm.html", context)
