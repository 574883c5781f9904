"""SCIM writes: every one through the roster's services (services.employees, services.departures) or the
group services, so employment events are recorded whichever way the data arrives, and each audited as a
`scim.*` AuditEvent (besides the roster's own `employee.*` entries).

Deprovisioning: `active: false` departs the person (services.departures.employee_depart, source "scim");
`active: true` brings them back (employee_reactivate). DELETE departs them and removes the ScimUser row, so
the resource answers 404 afterwards while the Employee (history, impact report) stays.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import UniquenessException

from identity.models import EmployeeGroup, ScimUser
from identity.services.groups import group_create, group_delete, group_members_set, group_update
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.accounts.services.departures import employee_depart, employee_reactivate
from mentorhub.accounts.services.employees import employee_create, employee_update
from mentorhub.tenancy import get_scoped_or_404, scoped

from .http import as_pk
from .mapping import UserState

SOURCE = "scim"


def _manager_pk(organization: Organization, ref: str | None) -> int | None:
    if ref is None:
        return None
    pk = as_pk(ref)
    if pk is None or not scoped(Employee, organization).filter(pk=pk).exists():
        raise ValidationError({"manager": [_("No user with the id “%(ref)s”.") % {"ref": ref}]})
    return pk


def _check_scim_unique(organization: Organization, state: UserState, exclude_employee: int | None) -> None:
    others = scoped(ScimUser, organization)
    if exclude_employee is not None:
        others = others.exclude(employee_id=exclude_employee)
    if others.annotate(name_lower=Lower("user_name")).filter(name_lower=state.user_name.lower()).exists():
        raise UniquenessException(detail=_("The userName “%(user_name)s” is taken.") % {"user_name": state.user_name})
    if state.external_id and others.filter(external_id=state.external_id).exists():
        raise UniquenessException(
            detail=_("The externalId “%(external_id)s” is taken.") % {"external_id": state.external_id}
        )


def _save_scim_user(organization: Organization, employee: Employee, state: UserState) -> tuple[ScimUser, dict]:
    scim_user = ScimUser.objects.filter(organization=organization, employee=employee).first()
    fields = {
        "user_name": state.user_name,
        "external_id": state.external_id,
        "given_name": state.given_name,
        "family_name": state.family_name,
    }
    if scim_user is None:
        scim_user = ScimUser(organization=organization, employee=employee, **fields)
        changes = {name: [None, value] for name, value in fields.items()}
    else:
        changes = {
            name: [getattr(scim_user, name), value]
            for name, value in fields.items()
            if getattr(scim_user, name) != value
        }
        for name, value in fields.items():
            setattr(scim_user, name, value)
    if changes:
        scim_user.full_clean(validate_constraints=False)
        scim_user.save()
    return scim_user, changes


def _set_active(organization: Organization, actor: User, employee: Employee, active: bool) -> Employee:
    if active and not employee.is_current:
        return employee_reactivate(organization=organization, actor=actor, employee_id=employee.pk, source=SOURCE)
    if not active and employee.is_current:
        return employee_depart(organization=organization, actor=actor, employee_id=employee.pk, source=SOURCE)
    return employee


@transaction.atomic
def scim_user_create(*, organization: Organization, actor: User, state: UserState) -> Employee:
    """Provision a person. Someone already on the roster with that email (from a CSV import, say) is taken
    over rather than duplicated, unless a SCIM client already provisioned them (409)."""
    if not state.user_name:
        raise ValidationError({"userName": [_("userName is required.")]})
    email = state.roster["email"]
    existing = (
        scoped(Employee, organization)
        .select_for_update()
        .annotate(email_lower=Lower("email"))
        .filter(email_lower=str(email).lower())
        .first()
        if email
        else None
    )
    if existing is not None and ScimUser.objects.filter(organization=organization, employee=existing).exists():
        raise UniquenessException(
            detail=_("A user with the email “%(email)s” is already provisioned.") % {"email": email}
        )
    _check_scim_unique(organization, state, existing.pk if existing else None)
    manager = _manager_pk(organization, state.manager_ref)
    if existing is None:
        employee = employee_create(
            organization=organization, actor=actor, values=state.roster, manager_id=manager, source=SOURCE
        )
    else:
        values = {**state.roster, "employee_id": state.roster["employee_id"] or existing.employee_id}
        employee = employee_update(
            organization=organization,
            actor=actor,
            employee_id=existing.pk,
            values=values,
            manager_id=manager,
            source=SOURCE,
        )
    _save_scim_user(organization, employee, state)
    employee = _set_active(organization, actor, employee, state.active)
    audit_record(
        organization=organization,
        actor=actor,
        verb="scim.user.create",
        target=employee,
        changes={
            "userName": [None, state.user_name],
            "externalId": [None, state.external_id],
            "active": [None, state.active],
        },
    )
    return employee


@transaction.atomic
def scim_user_apply(
    *, organization: Organization, actor: User, employee_id: int, state: UserState, verb: str
) -> Employee:
    """Make a provisioned person what `state` says (PUT, or the result of a PATCH); `verb` is
    scim.user.replace or scim.user.patch."""
    employee = get_scoped_or_404(Employee.objects.select_for_update(), organization, pk=employee_id)
    if not state.user_name:
        raise ValidationError({"userName": [_("userName is required.")]})
    _check_scim_unique(organization, state, employee.pk)
    manager = _manager_pk(organization, state.manager_ref)
    before_active = employee.is_current
    employee_update(
        organization=organization,
        actor=actor,
        employee_id=employee.pk,
        values=state.roster,
        manager_id=manager,
        source=SOURCE,
    )
    employee.refresh_from_db()
    _scim_user, changes = _save_scim_user(organization, employee, state)
    employee = _set_active(organization, actor, employee, state.active)
    if before_active != state.active:
        changes["active"] = [before_active, state.active]
    audit_record(organization=organization, actor=actor, verb=verb, target=employee, changes=changes)
    return employee


@transaction.atomic
def scim_user_delete(*, organization: Organization, actor: User, employee_id: int) -> None:
    employee = get_scoped_or_404(Employee, organization, pk=employee_id)
    scim_user = scoped(ScimUser, organization).filter(employee=employee).first()
    employee_depart(organization=organization, actor=actor, employee_id=employee.pk, source=SOURCE)
    audit_record(
        organization=organization,
        actor=actor,
        verb="scim.user.delete",
        target=employee,
        changes={"userName": [scim_user.user_name if scim_user else employee.email, None]},
    )
    if scim_user is not None:
        scim_user.delete()


def _member_pks(organization: Organization, refs: list[str]) -> list[int]:
    parsed = {as_pk(ref) for ref in set(refs)}
    pks = {pk for pk in parsed if pk is not None}
    if len(pks) != len(set(refs)):
        raise ValidationError({"members": [_("Members are users of this organization, named by their id.")]})
    return sorted(pks)


def _check_group_unique(organization: Organization, display_name: str, exclude_pk: int | None) -> None:
    """displayName is unique per organization whatever its case: a clash is SCIM's 409 `uniqueness`."""
    others = scoped(EmployeeGroup, organization).filter(display_name__iexact=display_name.strip())
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if display_name.strip() and others.exists():
        raise UniquenessException(detail=_("A group named “%(name)s” already exists.") % {"name": display_name.strip()})


@transaction.atomic
def scim_group_create(
    *, organization: Organization, actor: User, display_name: str, external_id: str, member_refs: list[str]
) -> EmployeeGroup:
    _check_group_unique(organization, display_name, None)
    group = group_create(
        organization=organization,
        actor=actor,
        display_name=display_name,
        external_id=external_id,
        managed_by_scim=True,
        member_ids=_member_pks(organization, member_refs),
    )
    audit_record(organization=organization, actor=actor, verb="scim.group.create", target=group)
    return group


@transaction.atomic
def scim_group_apply(
    *,
    organization: Organization,
    actor: User,
    group_id: int,
    display_name: str,
    external_id: str,
    member_refs: list[str],
    verb: str,
) -> EmployeeGroup:
    """Make the group what a PUT says, or what a PATCH left; membership changes take effect at once."""
    group = get_scoped_or_404(EmployeeGroup.objects.select_for_update(), organization, pk=group_id)
    _check_group_unique(organization, display_name, group.pk)
    before = set(group.memberships.values_list("employee_id", flat=True))
    wanted = _member_pks(organization, member_refs)
    group_update(
        organization=organization, actor=actor, group_id=group.pk, display_name=display_name, external_id=external_id
    )
    group_members_set(organization=organization, actor=actor, group_id=group.pk, employee_ids=wanted)
    # A SCIM client now manages the group; the change of members is a change of the group (its ETag).
    EmployeeGroup.objects.filter(pk=group.pk).update(managed_by_scim=True, updated_at=timezone.now())
    group.refresh_from_db()
    audit_record(
        organization=organization,
        actor=actor,
        verb=verb,
        target=group,
        changes={"added": [None, sorted(set(wanted) - before)], "removed": [None, sorted(before - set(wanted))]},
    )
    return group


@transaction.atomic
def scim_group_delete(*, organization: Organization, actor: User, group_id: int) -> None:
    group = get_scoped_or_404(EmployeeGroup, organization, pk=group_id)
    audit_record(organization=organization, actor=actor, verb="scim.group.delete", target=group)
    group_delete(organization=organization, actor=actor, group_id=group.pk)
