"""The ONE place that resolves the organization of a request and scopes queries by it.

Pages live under /o/<org_slug>/ and the API under /api/v1/o/<org_slug>/. The slug is resolved once per
request against the signed-in user's Membership (or the API token's organization), and the result is
put on `request.organization` and `request.membership`. Anything else answers 404, the same answer as
"does not exist", so organizations and ids cannot be probed.

Views never fetch an object and then compare its organization: they ask `scoped()` /
`get_scoped_or_404()` for it, which filter by organization inside the query itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from mentorhub.db.compiled import CompiledQuery
from mentorhub.db.tenant_scope import activate_organization, all_organizations
from mentorhub.web.schema import is_schema_generation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from rest_framework.permissions import _PermissionClass

    from mentorhub.accounts.models import Employee, Membership, Organization, User

M = TypeVar("M", bound=models.Model)

ORG_URL_KWARG = "org_slug"


class OrgRequest(HttpRequest):
    """The type of a page request under /o/<org_slug>/ once `org_view` resolved it: annotate views with it
    (`request: OrgRequest`) so the type checker knows what the tenancy layer set. Never instantiated."""

    organization: Organization
    membership: Membership
    user: User  # org_view lets only signed-in people through


class OrgApiRequest(Request):
    """The same for the API: a DRF request under /api/v1/o/<org_slug>/ after the tenant was resolved."""

    organization: Organization
    membership: Membership
    user: User


def membership_for(user: Any, org_slug: str) -> Membership:
    """The user's membership in the organization named by `org_slug`, or 404."""
    return memberships_with(user, org_slug)[0]


def _active_memberships(user_id: Any) -> models.QuerySet[Membership]:
    from mentorhub.accounts.models import Membership

    # A deactivated membership (the person left) opens nothing: the same 404 as no membership.
    return (
        Membership.objects.select_related("organization", "employee")
        .filter(user_id=user_id, deactivated_at__isnull=True)
        .order_by("organization__name", "pk")
    )


# Every organization page runs it: compiled once, not on every request (mentorhub/db/compiled.py).
_active_memberships_of_user = CompiledQuery(_active_memberships)


def memberships_with(user: Any, org_slug: str) -> tuple[Membership, list[Membership]]:
    """The user's membership in the organization named by `org_slug` (or 404), and all their active memberships,
    by organization name: one query answers both questions a page asks, which membership opens this
    organization and, for the navigation's organization switcher, where else this person belongs."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("No such organization.")
    # Which organization this request is for is the one question asked across organizations: the
    # database's row-level security shows this person's memberships only once it is answered.
    with all_organizations():
        memberships = _active_memberships_of_user(user.pk)
    for membership in memberships:
        # The signed-in user, loaded already by Django's authentication: not selected a second time.
        membership.user = user
    found = next((m for m in memberships if m.organization.slug == org_slug), None)
    if found is None:
        raise Http404("No such organization.")
    return found, memberships


def _activate(request: HttpRequest, membership: Membership) -> None:
    # From here on the database shows this organization's rows only (mentorhub/db: row-level security).
    activate_organization(membership.organization_id)
    request.organization = membership.organization  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    zone = membership.employee.time_zone if membership.employee is not None else membership.user.time_zone
    dj_timezone.activate(zone or "UTC")
    if not getattr(request, "language_chosen", True):
        # Neither the person nor their browser named a language we have: the organization's default.
        from mentorhub.accounts.languages import organization_language

        translation.activate(organization_language(membership.organization))
        request.LANGUAGE_CODE = translation.get_language()


def employee_or_none(request: OrgRequest | OrgApiRequest) -> Employee | None:
    """The signed-in person's roster entry (loaded with the membership), or None when the membership is not
    linked to one: for pages that explain to such a person why there is nothing of theirs."""
    return request.membership.employee


def employee_or_404(request: OrgRequest | OrgApiRequest, message: StrOrPromise = "Not found.") -> Employee:
    """The signed-in person's roster entry. Without one, nothing (match, session, goal, survey, enrollment) is
    theirs: 404, the answer the scoped selectors give anyone whose object it is not."""
    employee = request.membership.employee
    if employee is None:
        raise Http404(message)
    return employee


NOT_ON_ROSTER = gettext_lazy("Your account is not linked to a roster entry; ask your HR admin.")


def employee_or_refusal(request: OrgRequest | OrgApiRequest) -> Employee:
    """The signed-in person's roster entry, for an action they ask for themselves (enrolling, asking a mentor):
    without one, the action is refused with a message that says why (a ValidationError, like a service's)."""
    employee = request.membership.employee
    if employee is None:
        raise ValidationError(NOT_ON_ROSTER)
    return employee


def scoped(model_or_queryset: type[M] | models.QuerySet[M], organization: Organization) -> models.QuerySet[M]:
    """`model_or_queryset` narrowed to one organization, in the query itself."""
    queryset = model_or_queryset._default_manager.all() if isinstance(model_or_queryset, type) else model_or_queryset
    return queryset.filter(organization=organization)


def get_scoped_or_404(model_or_queryset: type[M] | models.QuerySet[M], organization: Organization, **lookup: Any) -> M:
    """One object of this organization, or 404 whether it is missing or belongs to another one."""
    try:
        return scoped(model_or_queryset, organization).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def org_view(roles: Iterable[str] | None = None) -> Callable:
    """Decorate an HTML view under /o/<org_slug>/: sign-in required, membership required (else 404),
    and, when `roles` is given, one of those roles (else 403: the member knows the organization)."""
    allowed = frozenset(roles) if roles else None

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership, memberships = memberships_with(request.user, kwargs.pop(ORG_URL_KWARG))
            _activate(request, membership)
            # For the organization switcher (accounts.context_processors.tenancy): no second query for it.
            request.user_memberships = memberships  # type: ignore[attr-defined]
            if allowed is not None and membership.role not in allowed:
                raise PermissionDenied(_("Your role in this organization does not allow this page."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- API ------------------------------------------------------------------------------------


def _resolve_api_tenant(request: Any, org_slug: str) -> None:
    from mentorhub.accounts.models import ApiToken

    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is not None:
        # A token works for its own organization only; any other slug is "not found".
        if token.organization.slug != org_slug:
            raise Http404("No such organization.")
        membership = token.membership
    else:
        membership = membership_for(request.user, org_slug)
    _activate(request, membership)


class OrgRolePermission(permissions.BasePermission):
    """Reads need one of the view's `read_roles`, writes one of its `write_roles` (the role as it is now,
    for an API token too: it acts with its membership's current role), and an API token writes only with
    the `write` scope."""

    message = "Your role in this organization does not allow this."

    def has_permission(self, request: Any, view: Any) -> bool:
        from mentorhub.accounts.models import ApiToken, TokenScope

        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return membership.role in view.read_roles
        if isinstance(request.auth, ApiToken) and not request.auth.has_scope(TokenScope.WRITE):
            raise exceptions.PermissionDenied(_("This token may only read: it lacks the write scope."))
        return membership.role in view.write_roles


class OrganizationTenantMixin:
    """Resolves the tenant after authentication and before any permission check, so permissions can
    read the role. Base of every API view and viewset under /api/v1/o/<org_slug>/."""

    permission_classes: Sequence[_PermissionClass] = [permissions.IsAuthenticated, OrgRolePermission]
    read_roles: frozenset[str] = frozenset({"admin", "stakeholder", "member"})
    write_roles: frozenset[str] = frozenset({"admin"})

    def check_permissions(self, request: Any) -> None:
        if request.user and request.user.is_authenticated:
            _resolve_api_tenant(request, self.kwargs[ORG_URL_KWARG])  # type: ignore[attr-defined]
        super().check_permissions(request)  # type: ignore[misc]


class OrganizationAPIView(OrganizationTenantMixin, APIView):
    """A plain API view under /api/v1/o/<org_slug>/ (actions that are not a model's list or detail)."""

    request: OrgApiRequest


class OrganizationScopedViewSet(OrganizationTenantMixin, viewsets.GenericViewSet):
    """Base of every API viewset. Subclasses say what they list in `get_base_queryset()`; the
    organization filter is added here, and a subclass that overrides `get_queryset` is refused at
    class creation, so the scoping cannot be dropped by accident.

    `schema_model` is the model the viewset lists: during schema generation there is no request
    organization, so the base answers an empty queryset of it without calling `get_base_queryset()`
    (subclasses need no guard of their own). Without it, `get_base_queryset()` is called and must not read
    the request."""

    request: OrgApiRequest
    schema_model: type[models.Model] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset(); override get_base_queryset() instead so the "
                "organization filter stays in place."
            )

    def get_base_queryset(self) -> models.QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> models.QuerySet:
        # During schema generation there is no request organization; an empty queryset is enough.
        if is_schema_generation(self):
            if self.schema_model is not None:
                return self.schema_model._default_manager.none()
            return self.get_base_queryset().none()
        return scoped(self.get_base_queryset(), self.request.organization)


class NestedParentMixin:
    """For routes nested under a parent object (e.g. programs/<program_pk>/...): the parent is resolved
    once, after the tenant and role checks, from the URL kwarg `parent_url_kwarg` among
    `get_parent_queryset()` (the parents this person may see), filtered by organization in the query;
    anything else is 404, even for an empty list. It is set on the view as `parent_attribute`.

    It lives here, not in mentorhub.web, because resolving by organization is this module's job and
    mentorhub.web imports no app (this module reads mentorhub.accounts models)."""

    parent_url_kwarg: str
    parent_attribute = "parent"

    def get_parent_queryset(self) -> models.QuerySet:
        raise NotImplementedError

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        lookup = self.kwargs[self.parent_url_kwarg]  # type: ignore[attr-defined]
        parent = get_scoped_or_404(self.get_parent_queryset(), request.organization, pk=lookup)
        setattr(self, self.parent_attribute, parent)
