"""Employee groups: written by admins on the Groups pages and by SCIM clients (identity/scim), both here."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.functions import Lower
from django.utils.translation import gettext

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.db.maintenance import analyze_changed
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import EmployeeGroup, EmployeeGroupMember


def _check_name(organization: Organization, display_name: str, exclude_pk: int | None = None) -> str:
    name = (display_name or "").strip()
    if not name:
        raise ValidationError({"display_name": [gettext("Give the group a name.")]})
    same_name = scoped(EmployeeGroup, organization).annotate(name_lower=Lower("display_name"))
    same_name = same_name.filter(name_lower=name.lower())
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise ValidationError({"display_name": [gettext("A group named “%(name)s” already exists.") % {"name": name}]})
    return name


def _employees(organization: Organization, employee_ids: Iterable[int]) -> list[int]:
    wanted = set(employee_ids)
    found = set(scoped(Employee, organization).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise ValidationError({"members": [gettext("Some of these people are not on this organization's roster.")]})
    return sorted(found)


@transaction.atomic
def group_create(
    *,
    organization: Organization,
    actor: User | None,
    display_name: str,
    description: str = "",
    external_id: str = "",
    managed_by_scim: bool = False,
    member_ids: Iterable[int] = (),
) -> EmployeeGroup:
    group = EmployeeGroup(
        organization=organization,
        display_name=_check_name(organization, display_name),
        description=description.strip(),
        external_id=external_id,
        managed_by_scim=managed_by_scim,
    )
    group.full_clean()
    group.save()
    added = _add(organization, group, _employees(organization, member_ids))
    audit_record(organization=organization, actor=actor, verb="group.create", target=group)
    analyze_changed({EmployeeGroupMember: added})
    return group


@transaction.atomic
def group_update(
    *,
    organization: Organization,
    actor: User | None,
    group_id: int,
    display_name: str | None = None,
    description: str | None = None,
    external_id: str | None = None,
) -> EmployeeGroup:
    group = get_scoped_or_404(EmployeeGroup.objects.select_for_update(), organization, pk=group_id)
    before = {"display_name": group.display_name, "description": group.description, "external_id": group.external_id}
    if display_name is not None:
        group.display_name = _check_name(organization, display_name, exclude_pk=group.pk)
    if description is not None:
        group.description = description.strip()
    if external_id is not None:
        group.external_id = external_id
    after = {"display_name": group.display_name, "description": group.description, "external_id": group.external_id}
    changes = diff_fields(before, after)
    if changes:
        group.full_clean()
        group.save()
        audit_record(organization=organization, actor=actor, verb="group.update", target=group, changes=changes)
    return group


@transaction.atomic
def group_delete(*, organization: Organization, actor: User | None, group_id: int) -> None:
    """Delete a group and its memberships. Refused while a program's audience names it (the row that links
    them is PROTECTed: the program would otherwise silently open to everyone)."""
    group = get_scoped_or_404(EmployeeGroup, organization, pk=group_id)
    audit_record(organization=organization, actor=actor, verb="group.delete", target=group)
    try:
        group.delete()
    except ProtectedError:
        raise ValidationError(
            gettext("“%(display_name)s” is the audience of a program: take it out of the program's audience first.")
            % {"display_name": group.display_name}
        ) from None


def _add(organization: Organization, group: EmployeeGroup, employee_ids: list[int]) -> int:
    present = set(
        scoped(EmployeeGroupMember, organization)
        .filter(group=group, employee_id__in=employee_ids)
        .values_list("employee_id", flat=True)
    )
    new = [pk for pk in employee_ids if pk not in present]
    EmployeeGroupMember.objects.bulk_create(
        [EmployeeGroupMember(organization=organization, group=group, employee_id=pk) for pk in new]
    )
    return len(new)


@transaction.atomic
def group_members_add(
    *, organization: Organization, actor: User | None, group_id: int, employee_ids: Iterable[int]
) -> int:
    """Add people to a group (those already in it are left as they are); returns how many were added."""
    group = get_scoped_or_404(EmployeeGroup.objects.select_for_update(), organization, pk=group_id)
    ids = _employees(organization, employee_ids)
    added = _add(organization, group, ids)
    analyze_changed({EmployeeGroupMember: added})
    if added:
        audit_record(
            organization=organization,
            actor=actor,
            verb="group.members_add",
            target=group,
            changes={"added": [None, added]},
        )
    return added


@transaction.atomic
def group_members_remove(
    *, organization: Organization, actor: User | None, group_id: int, employee_ids: Iterable[int]
) -> int:
    group = get_scoped_or_404(EmployeeGroup.objects.select_for_update(), organization, pk=group_id)
    removed, _ = (
        scoped(EmployeeGroupMember, organization).filter(group=group, employee_id__in=list(employee_ids)).delete()
    )
    analyze_changed({EmployeeGroupMember: removed})
    if removed:
        audit_record(
            organization=organization,
            actor=actor,
            verb="group.members_remove",
            target=group,
            changes={"removed": [None, removed]},
        )
    return removed


@transaction.atomic
def group_members_set(
    *, organization: Organization, actor: User | None, group_id: int, employee_ids: Iterable[int]
) -> EmployeeGroup:
    """Make the group's members exactly these people (SCIM PUT, or the admin's member picker)."""
    group = get_scoped_or_404(EmployeeGroup.objects.select_for_update(), organization, pk=group_id)
    ids = _employees(organization, employee_ids)
    removed, _ = scoped(EmployeeGroupMember, organization).filter(group=group).exclude(employee_id__in=ids).delete()
    added = _add(organization, group, ids)
    # A SCIM client pushes whole groups: thousands of members may come or go in one request.
    analyze_changed({EmployeeGroupMember: added + removed})
    if added or removed:
        audit_record(
            organization=organization,
            actor=actor,
            verb="group.members_set",
            target=group,
            changes={"added": [None, added], "removed": [None, removed]},
        )
    return group
