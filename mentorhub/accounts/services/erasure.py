"""Erasing a person (docs/privacy.md): an admin's decision from the person's page, or retention's, some months
after they left (services/retention.py).

What the personal-data registry (privacy/registry.py) says, in one transaction:
1. Their name, email and roster id become placeholders first, and so does their sign-in when it goes (below),
   so nothing written from here on (the departure's notices and audit entries) carries them.
2. The departure (services/departures.employee_depart) runs: their access closes and every follower ends what
   they had (their matches end and the other members are told, "Erased person left", and offered a re-match;
   enrollments, requests, calendar feed and reminders close). Someone still on the roster is recorded as leaving
   today: the directory shows current colleagues, and no one can be shown there as "Erased person".
3. Every registered field: texts they wrote removed, their answers and preferences gone, their name redacted
   from the other people's records that named them; the other people's own records and the aggregates stay.
4. Their sign-in, when they belong to no other organization: email replaced, unusable password, inactive, its
   addresses, identity-provider links, second factors and browser sessions deleted. When another organization
   still has them, only this organization's membership (and its API tokens) goes.
5. One audit entry, "Erased person #<id>", with counts only; then the registered followers (analytics queues
   the roll-up recompute). Audit entries written before stay as they are (append-only: accountability).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import Employee, Membership, Organization, Role, User
from ..privacy.apply import ErasureCount, erase_registered
from ..privacy.registry import ERASED_NAME, Anchor, Person, erasure_followers
from .audit import audit_record
from .departures import employee_depart

ALREADY_ERASED = "This person was erased already."
NOT_YOURSELF = "You cannot erase yourself. Ask another admin to do it."
LAST_ADMIN = "{name} is the only admin of {organization}. Make someone else an admin first."


@dataclass
class ErasureResult:
    employee: Employee
    count: ErasureCount
    sign_in_removed: bool


def erased_label(employee: Employee) -> str:
    return f"{ERASED_NAME} #{employee.pk}"


def _memberships(organization: Organization, employee: Employee) -> list[Membership]:
    # A membership not linked to the roster entry yet (invited before the row existed) is theirs by its address:
    # linked now, as the departure and roster imports link them, so it goes with the rest.
    scoped(Membership, organization).filter(employee__isnull=True, user__email__iexact=employee.email).update(
        employee=employee
    )
    return list(scoped(Membership, organization).filter(employee=employee).select_related("user"))


def erasure_refusal(*, organization: Organization, actor: User | None, employee: Employee) -> str:
    """Why this erasure may not happen ("" when it may): shown on the confirmation page before anyone types."""
    if employee.erased_at is not None:
        return ALREADY_ERASED
    memberships = list(scoped(Membership, organization).filter(employee=employee).select_related("user"))
    if actor is not None and any(m.user_id == actor.pk for m in memberships):
        return NOT_YOURSELF
    if any(m.role == Role.ADMIN and m.deactivated_at is None for m in memberships):
        admins = scoped(Membership, organization).filter(role=Role.ADMIN, deactivated_at__isnull=True)
        if not admins.exclude(employee=employee).exists():
            return LAST_ADMIN.format(name=employee.name, organization=organization.name)
    return ""


def _account_goes(organization: Organization, user: User) -> bool:
    """The sign-in is erased only when no other organization has this person (whether or not they left it:
    its records still point to them) and it is not the operator's (staff) account."""
    if user.is_staff or user.is_superuser:
        return False
    # Another organization's memberships are out of this organization's row-level scope: asked across them.
    with all_organizations():
        return not Membership.objects.filter(user=user).exclude(organization=organization).exists()


@dataclass
class ErasurePreview:
    """What the confirmation page says will happen."""

    refusal: str  # why it may not happen ("": it may)
    sign_in: str  # "deleted", "membership" (another organization still has them: only this access goes), "none"
    is_current: bool  # still on the roster: recorded as leaving today


def erasure_preview(*, organization: Organization, actor: User | None, employee: Employee) -> ErasurePreview:
    memberships = list(scoped(Membership, organization).filter(employee=employee).select_related("user"))
    if not memberships:
        sign_in = "none"
    elif any(_account_goes(organization, m.user) for m in memberships):
        sign_in = "deleted"
    else:
        sign_in = "membership"
    return ErasurePreview(
        refusal=erasure_refusal(organization=organization, actor=actor, employee=employee),
        sign_in=sign_in,
        is_current=employee.is_current,
    )


def sessions_end(user_ids: set[int]) -> int:
    """Delete the users' browser sessions (database-backed engines). Sessions are not indexed by user, so every
    live one is read; erasures are rare. With any engine, the unusable password set before already ends them:
    Django checks a session's password hash on every request."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    wanted = {str(pk) for pk in user_ids}
    ended = 0
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if str(session.get_decoded().get("_auth_user_id")) in wanted:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def employee_erase(
    *, organization: Organization, actor: User | None, employee: Employee, source: str = "admin"
) -> ErasureResult:
    """Erase the person behind `employee` from the organization (see the module's docstring). `actor` None:
    retention. Cannot be undone."""
    employee = get_scoped_or_404(Employee.objects.select_for_update(), organization, pk=employee.pk)
    memberships = _memberships(organization, employee)
    refusal = erasure_refusal(organization=organization, actor=actor, employee=employee)
    if refusal:
        raise ValidationError(refusal)
    users = [m.user for m in memberships]
    person = Person(
        organization=organization,
        employee=employee,
        user=users[0] if users else None,
        names=tuple({n for n in [employee.name, *(u.name for u in users)] if n and n != ERASED_NAME}),
        emails=tuple({e.lower() for e in [employee.email, *(u.email for u in users)] if e}),
        employee_ids=(employee.employee_id,),
    )
    going = [user for user in users if _account_goes(organization, user)]
    accounts = [Person(organization, employee, user, person.names, person.emails) for user in going]

    # 1. Placeholders first: the departure below writes notices and audit entries with the name it finds.
    count = erase_registered(person, Anchor.EMPLOYEE, models_only=[Employee])
    for account in accounts:
        count.add(erase_registered(account, Anchor.ACCOUNT, models_only=[User]))
    # 2. Their access closes and their matches end, the other members told (the departure's followers).
    employee_depart(organization=organization, actor=actor, employee_id=employee.pk, source=f"erasure ({source})")
    # 3. Everything the registry names in this organization; 4. the sign-in, where it goes.
    count.add(erase_registered(person, Anchor.EMPLOYEE, skip=[Employee]))
    for account in accounts:
        count.add(erase_registered(account, Anchor.ACCOUNT, skip=[User]))
    if going:
        User.objects.filter(pk__in=[u.pk for u in going]).update(is_active=False)
        sessions_end({u.pk for u in going})
    now = timezone.now()
    scoped(Employee, organization).filter(pk=employee.pk).update(erased_at=now, updated_at=now)
    employee.refresh_from_db()
    # 5. One entry, counts only: what was erased is not written down again.
    audit_record(
        organization=organization,
        actor=actor,
        verb="employee.erase",
        target=employee,
        target_label=erased_label(employee),
        changes={
            "rows_removed": [0, count.rows_removed],
            "values_erased": [0, count.values_changed],
            "sign_in_removed": [False, bool(going)],
            "source": [None, source],
        },
    )
    for follower in erasure_followers():
        follower(organization, employee)
    return ErasureResult(employee=employee, count=count, sign_in_removed=bool(going))
