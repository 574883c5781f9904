"""/Users: list (filter, pagination), create, read, replace (PUT), PATCH, delete (RFC 7644 §3).

Which people are Users: current employees, and leavers that still have a ScimUser row (active false).
DELETE departs the person and removes the ScimUser row: the resource answers 404 from then on.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from scim2_models import Context, PatchOp

from identity.models import EmployeeGroup, ScimUser
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped

from . import provisioning
from .common import check_if_match, dump, list_payload, page_bounds, response_parameters
from .filters import USER_LOOKUPS, apply_filter
from .http import ScimContext, as_pk, read_json, scim_json, scim_view
from .mapping import user_etag, user_resource, user_state, with_roster_values
from .patch import normalize_patch
from .resources import POLICY, FullUser


def users_of(organization: Organization) -> QuerySet[Employee]:
    today = timezone.localdate()
    return (
        scoped(Employee, organization)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today) | Q(scim_user__isnull=False))
        .select_related("manager", "scim_user")
        .prefetch_related(Prefetch("employee_groups", queryset=scoped(EmployeeGroup, organization)))
        .order_by("pk")
    )


def _employee(scim: ScimContext, user_id: str) -> Employee:
    return get_scoped_or_404(users_of(scim.organization), scim.organization, pk=as_pk(user_id) or 0)


def _answer(scim: ScimContext, employee: Employee, status: int = 200, parameters: Any = None) -> HttpResponse:
    resource = user_resource(employee, scim.base_url)
    headers = {"ETag": resource.meta.version, "Location": resource.meta.location}
    return scim_json(dump(resource, parameters), status=status, headers=headers)


def _fresh(scim: ScimContext, pk: int) -> Employee:
    return users_of(scim.organization).get(pk=pk)


@scim_view(("GET", "POST"))
def users(request: HttpRequest, scim: ScimContext) -> HttpResponse:
    if request.method == "POST":
        payload = with_roster_values(read_json(request), None)
        user = FullUser.model_validate(payload, scim_ctx=Context.RESOURCE_CREATION_REQUEST, scim_policy=POLICY)
        employee = provisioning.scim_user_create(
            organization=scim.organization, actor=scim.actor, state=user_state(user)
        )
        return _answer(scim, _fresh(scim, employee.pk), status=201)
    parameters = response_parameters(request, FullUser)
    queryset = apply_filter(users_of(scim.organization), request.GET.get("filter"), USER_LOOKUPS)
    start, count = page_bounds(request)
    total = queryset.count()
    page = list(queryset[start - 1 : start - 1 + count]) if count else []
    return scim_json(list_payload([user_resource(e, scim.base_url) for e in page], total, start, parameters))


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user_detail(request: HttpRequest, scim: ScimContext, user_id: str) -> HttpResponse:
    employee = _employee(scim, user_id)
    scim_user = ScimUser.objects.filter(organization=scim.organization, employee=employee).first()
    if request.method == "GET":
        return _answer(scim, employee, parameters=response_parameters(request, FullUser))
    check_if_match(request, user_etag(employee, scim_user))
    if request.method == "DELETE":
        provisioning.scim_user_delete(organization=scim.organization, actor=scim.actor, employee_id=employee.pk)
        return HttpResponse(status=204)
    if request.method == "PUT":
        payload = with_roster_values(read_json(request), employee)
        user = FullUser.model_validate(payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY)
        verb = "scim.user.replace"
    else:
        patch = PatchOp[FullUser].model_validate(
            normalize_patch(read_json(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
        )
        user = user_resource(employee, scim.base_url)
        if not patch.patch(user, scim_policy=POLICY):
            return _answer(scim, employee)
        verb = "scim.user.patch"
    provisioning.scim_user_apply(
        organization=scim.organization, actor=scim.actor, employee_id=employee.pk, state=user_state(user), verb=verb
    )
    return _answer(scim, _fresh(scim, employee.pk))
