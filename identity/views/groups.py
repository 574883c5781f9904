"""The Groups pages (admins only): employee groups such as employee resource groups, with their members.

A group a SCIM client manages (`managed_by_scim`) is read-only here: its page says the identity provider
manages it, and every write answers 403. Every object is read through the scoped selectors."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.accounts.models import Employee
from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from .. import selectors
from ..forms.groups import GroupForm, GroupMembersAddForm
from ..models import EmployeeGroup
from ..services.groups import group_create, group_delete, group_members_add, group_members_remove, group_update

PAGE_SIZE = 50
ADMINS = ["admin"]
SCIM_READ_ONLY = gettext_lazy("This group is managed by your identity provider (SCIM): change it there.")


def _editable(group: EmployeeGroup) -> EmployeeGroup:
    if group.managed_by_scim:
        raise PermissionDenied(SCIM_READ_ONLY)
    return group


def _detail(request: OrgRequest, group: EmployeeGroup):
    return redirect("group-detail", org_slug=request.organization.slug, group_pk=group.pk)


@org_view(roles=ADMINS)
@require_GET
def group_list(request: OrgRequest) -> HttpResponse:
    groups = list(selectors.groups_with_counts(organization=request.organization))
    return render(request, "identity/groups/list.html", {"nav_section": "groups", "groups": groups})


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def group_new(request: OrgRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(
                organization=request.organization,
                actor=request.user,
                display_name=form.cleaned_data["display_name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The group “%(display_name)s” was created. Add its members below.")
                % {"display_name": group.display_name},
            )
            return _detail(request, group)
    status = 400 if request.method == "POST" else 200
    return render(request, "identity/groups/form.html", {"nav_section": "groups", "form": form}, status=status)


def _detail_page(
    request: OrgRequest, group: EmployeeGroup, add_form: GroupMembersAddForm | None = None, status: int = 200
) -> HttpResponse:
    organization = request.organization
    q = request.GET.get("q", "").strip()[:200]
    find = request.GET.get("find", "").strip()[:200]
    members = selectors.group_members(organization=organization, group=group, search=q)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    candidates = (
        [] if group.managed_by_scim else selectors.group_candidates(organization=organization, group=group, search=find)
    )
    context = {
        "nav_section": "groups",
        "group": group,
        "page": page,
        "members": page.object_list,
        "member_total": group.memberships.filter(organization=organization).count(),
        "q": q,
        "find": find,
        "querystring": urlencode({"q": q} if q else {}),
        "candidates": candidates,
        "add_form": add_form or GroupMembersAddForm(),
        "programs": selectors.group_program_names(organization=organization, group=group),
        "read_only_text": SCIM_READ_ONLY,
    }
    return render(request, "identity/groups/detail.html", context, status=status)


@org_view(roles=ADMINS)
@require_GET
def group_detail(request: OrgRequest, group_pk: int) -> HttpResponse:
    group = selectors.group_get(organization=request.organization, group_id=group_pk)
    return _detail_page(request, group)


def _ids_to_add(request: OrgRequest, form: GroupMembersAddForm) -> list[int] | None:
    """The roster entries the form names; None after putting the unknown employee ids on the form."""
    typed = form.cleaned_data["employee_ids"]
    found = selectors.employees_by_employee_id(organization=request.organization, employee_ids=typed)
    unknown = [value for value in typed if value.lower() not in found]
    if unknown:
        form.add_error("employee_ids", _("Not on the roster: %(ids)s.") % {"ids": ", ".join(unknown[:20])})
        return None
    return [*form.cleaned_data["employee"], *(person.pk for person in found.values())]


@org_view(roles=ADMINS)
@require_POST
def group_members_add_view(request: OrgRequest, group_pk: int) -> HttpResponse:
    group = _editable(selectors.group_get(organization=request.organization, group_id=group_pk))
    form = GroupMembersAddForm(request.POST)
    ids = _ids_to_add(request, form) if form.is_valid() else None
    if ids is not None:
        try:
            added = group_members_add(
                organization=request.organization, actor=request.user, group_id=group.pk, employee_ids=ids
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            already = len(set(ids)) - added
            note = _(" (%(count)s already in it)") % {"count": already} if already else ""
            messages.success(
                request,
                ngettext(
                    "%(count)s person added to %(group)s%(note)s.",
                    "%(count)s people added to %(group)s%(note)s.",
                    added,
                )
                % {"count": added, "group": group, "note": note},
            )
            return _detail(request, group)
    return _detail_page(request, group, add_form=form, status=400)


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def group_member_remove(request: OrgRequest, group_pk: int, employee_pk: int) -> HttpResponse:
    organization = request.organization
    group = _editable(selectors.group_get(organization=organization, group_id=group_pk))
    person = get_scoped_or_404(Employee.objects.filter(group_memberships__group=group), organization, pk=employee_pk)
    if request.method == "POST":
        group_members_remove(organization=organization, actor=request.user, group_id=group.pk, employee_ids=[person.pk])
        messages.success(request, _("%(name)s was removed from %(group)s.") % {"name": person.name, "group": group})
        return _detail(request, group)
    context = {"nav_section": "groups", "group": group, "person": person}
    return render(request, "identity/groups/member_remove_confirm.html", context)


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def group_edit(request: OrgRequest, group_pk: int) -> HttpResponse:
    group = _editable(selectors.group_get(organization=request.organization, group_id=group_pk))
    initial = {"display_name": group.display_name, "description": group.description}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group_update(
                organization=request.organization,
                actor=request.user,
                group_id=group.pk,
                display_name=form.cleaned_data["display_name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Group saved."))
            return _detail(request, group)
    status = 400 if request.method == "POST" else 200
    context = {"nav_section": "groups", "form": form, "group": group}
    return render(request, "identity/groups/form.html", context, status=status)


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def group_delete_view(request: OrgRequest, group_pk: int) -> HttpResponse:
    organization = request.organization
    group = _editable(selectors.group_get(organization=organization, group_id=group_pk))
    programs = selectors.group_program_names(organization=organization, group=group)
    if request.method == "POST" and not programs:
        try:
            group_delete(organization=organization, actor=request.user, group_id=group.pk)
        except ValidationError as error:  # a program named it in between
            messages.error(request, service_error_text(error))
            return _detail(request, group)
        messages.success(request, _("The group “%(display_name)s” was deleted.") % {"display_name": group.display_name})
        return redirect("group-list", org_slug=organization.slug)
    context = {
        "nav_section": "groups",
        "group": group,
        "programs": programs,
        "member_total": group.memberships.filter(organization=organization).count(),
    }
    return render(
        request, "identity/groups/delete_confirm.html", context, status=409 if request.method == "POST" else 200
    )


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def group_csv_rows(people: Iterable[Employee]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(["employee_id", "email", "name", "title", "department", "location"])
    for person in people:
        # Roster text is opened in spreadsheets: defused like every export (mentorhub/csv_safety.py).
        yield writer.writerow(
            [
                safe_cell(person.employee_id),
                safe_cell(person.email),
                safe_cell(person.name),
                safe_cell(person.title),
                safe_cell(person.department),
                safe_cell(person.location),
            ]
        )


@org_view(roles=ADMINS)
@require_GET
def group_export(request: OrgRequest, group_pk: int) -> StreamingHttpResponse:
    """Every member of the group (not one page), one row each."""
    group = selectors.group_get(organization=request.organization, group_id=group_pk)
    people = selectors.group_members(organization=request.organization, group=group).iterator(chunk_size=2000)
    response = StreamingHttpResponse(group_csv_rows(people), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organization.slug}-group-{group.pk}-members-{stamp}.csv"'
    )
    return response
