"""/Groups: employee groups (identity.EmployeeGroup). A group a SCIM client creates, replaces or patches
is marked managed_by_scim; member changes take effect at once (identity/services/groups.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from scim2_models import Context, Meta, PatchOp, Reference

from identity.models import EmployeeGroup
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped

from . import provisioning
from .common import check_if_match, dump, list_payload, page_bounds, response_parameters
from .filters import GROUP_LOOKUPS, apply_filter
from .http import ScimContext, as_pk, read_json, scim_json, scim_view
from .mapping import etag
from .patch import normalize_patch
from .resources import POLICY, Group, GroupMember, User


def groups_of(organization: Organization) -> QuerySet[EmployeeGroup]:
    return (
        scoped(EmployeeGroup, organization)
        .prefetch_related(Prefetch("members", queryset=scoped(Employee, organization).order_by("pk")))
        .order_by("pk")
    )


def group_resource(group: EmployeeGroup, base_url: str) -> Group:
    return Group(
        id=str(group.pk),
        external_id=group.external_id or None,
        display_name=group.display_name,
        members=[
            GroupMember(value=str(e.pk), ref=Reference[User](f"{base_url}Users/{e.pk}"), type="User")
            for e in group.members.all()
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=group.updated_at,
            location=f"{base_url}Groups/{group.pk}",
            version=etag(group.updated_at),
        ),
    )


def _answer(scim: ScimContext, group_pk: int, status: int = 200, parameters: Any = None) -> HttpResponse:
    group = groups_of(scim.organization).get(pk=group_pk)
    headers = {"ETag": etag(group.updated_at), "Location": f"{scim.base_url}Groups/{group.pk}"}
    resource = group_resource(group, scim.base_url)
    return scim_json(dump(resource, parameters), status=status, headers=headers)


def _member_refs(group: Group) -> list[str]:
    return [member.value for member in group.members or [] if member.value]


@scim_view(("GET", "POST"))
def groups(request: HttpRequest, scim: ScimContext) -> HttpResponse:
    if request.method == "POST":
        group = Group.model_validate(read_json(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST, scim_policy=POLICY)
        created = provisioning.scim_group_create(
            organization=scim.organization,
            actor=scim.actor,
            display_name=group.display_name or "",
            external_id=group.external_id or "",
            member_refs=_member_refs(group),
        )
        return _answer(scim, created.pk, status=201)
    parameters = response_parameters(request, Group)
    queryset = apply_filter(groups_of(scim.organization), request.GET.get("filter"), GROUP_LOOKUPS)
    start, count = page_bounds(request)
    total = queryset.count()
    page = list(queryset[start - 1 : start - 1 + count]) if count else []
    return scim_json(list_payload([group_resource(g, scim.base_url) for g in page], total, start, parameters))


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def group_detail(request: HttpRequest, scim: ScimContext, group_id: str) -> HttpResponse:
    group = get_scoped_or_404(groups_of(scim.organization), scim.organization, pk=as_pk(group_id) or 0)
    if request.method == "GET":
        return _answer(scim, group.pk, parameters=response_parameters(request, Group))
    check_if_match(request, etag(group.updated_at))
    if request.method == "DELETE":
        provisioning.scim_group_delete(organization=scim.organization, actor=scim.actor, group_id=group.pk)
        return HttpResponse(status=204)
    if request.method == "PUT":
        wanted = Group.model_validate(
            read_json(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY
        )
        verb = "scim.group.replace"
    else:
        patch = PatchOp[Group].model_validate(
            normalize_patch(read_json(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
        )
        wanted = group_resource(group, scim.base_url)
        if not patch.patch(wanted, scim_policy=POLICY):
            return _answer(scim, group.pk)
        verb = "scim.group.patch"
    provisioning.scim_group_apply(
        organization=scim.organization,
        actor=scim.actor,
        group_id=group.pk,
        display_name=wanted.display_name or "",
        external_id=wanted.external_id or "",
        member_refs=_member_refs(wanted),
        verb=verb,
    )
    return _answer(scim, group.pk)
