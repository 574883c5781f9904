"""Someone leaves the organization (deprovisioned by SCIM, or a roster import records it), or comes back.

A departure takes effect at once: the leaving date and a `left` employment event are recorded (the impact
report counts them), the person's memberships of this organization are deactivated (tenancy refuses them),
their API tokens revoked, and their sign-in disabled unless another organization still has them; every
registered follower (accounts/extensions.py) ends what else they had: matches, calendar feed, reminders.
Coming back restores the access, never what ended.

A roster import records leaving dates in bulk (services.roster_apply); `departures_complete` then does the
rest for everyone whose date has come and who still holds something (run after each import and by beat,
hourly, so a future date takes effect on its day). A disabled user's open browser sessions end on their
next request: Django's backends give an inactive user no session user (AnonymousUser), so every page asks
them to sign in again; a person another organization still has keeps signing in, and this organization's
pages answer them 404 (tenancy refuses the deactivated membership).
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..extensions import departure_followers, departure_pending
from ..models import ApiToken, Employee, EmploymentEvent, Membership, Organization, User
from ..outbox import outbox_record
from .audit import audit_record

logger = logging.getLogger(__name__)


def _close_access(organization: Organization, actor: User | None, employee: Employee, source: str) -> None:
    now = timezone.now()
    if employee.email:
        # Someone who joined before their roster row existed (an invitation accepted, then SCIM created the row)
        # has a membership not linked to it yet: linked now by email, as roster imports link them
        # (services.roster_apply.link_memberships), so their access closes too and comes back with them.
        scoped(Membership, organization).filter(employee__isnull=True, user__email__iexact=employee.email).update(
            employee=employee
        )
    memberships = list(
        scoped(Membership, organization).filter(employee=employee, deactivated_at__isnull=True).select_related("user")
    )
    if not memberships:
        return
    scoped(Membership, organization).filter(pk__in=[m.pk for m in memberships]).update(deactivated_at=now)
    revoked = (
        scoped(ApiToken, organization)
        .filter(membership__in=memberships, revoked_at__isnull=True)
        .update(revoked_at=now)
    )
    disabled = []
    for membership in memberships:
        user = membership.user
        with all_organizations():  # the account is one across organizations: is it still active in another?
            still_elsewhere = Membership.objects.filter(user=user, deactivated_at__isnull=True).exists()
        if not still_elsewhere and not user.is_superuser and user.is_active:
            # An inactive user is anonymous on the next request (Django's backends refuse inactive users),
            # so their open browser sessions end, and allauth refuses their next sign-in.
            User.objects.filter(pk=user.pk).update(is_active=False)
            Membership.objects.filter(pk=membership.pk).update(deactivation_disabled_sign_in=True)
            disabled.append(user.email)
    audit_record(
        organization=organization,
        actor=actor,
        verb="employee.access_close",
        target=employee,
        changes={
            "memberships_deactivated": [0, len(memberships)],
            "api_tokens_revoked": [0, revoked],
            "sign_in_disabled": [[], disabled],
            "source": [None, source],
        },
    )


@transaction.atomic
def employee_depart(
    *, organization: Organization, actor: User | None, employee_id: int, left_on: date | None = None, source: str
) -> Employee:
    """Record that the employee left (`left_on`, default today) and close their access. `source` says who
    said so ("scim", "roster_import", "admin"), for the audit log. Idempotent: a second call changes nothing
    but runs the followers again (they are idempotent too), so an interrupted departure can be completed."""
    employee = get_scoped_or_404(Employee.objects.select_for_update(), organization, pk=employee_id)
    today = timezone.localdate()
    left_on = left_on or today
    if employee.left_on is None or (employee.left_on > today and employee.left_on != left_on):
        before = employee.left_on
        employee.left_on = left_on
        employee.save(update_fields=["left_on", "updated_at"])
        EmploymentEvent.objects.create(
            organization=organization,
            employee=employee,
            kind=EmploymentEvent.Kind.LEFT,
            occurred_on=left_on,
            old_value=before.isoformat() if before else "",
            new_value=left_on.isoformat(),
        )
        audit_record(
            organization=organization,
            actor=actor,
            verb="employee.depart",
            target=employee,
            changes={
                "left_on": [before.isoformat() if before else None, left_on.isoformat()],
                "source": [None, source],
            },
        )
        outbox_record(
            organization=organization,
            event_type="employee.left",
            data={"employee_id": employee.pk, "left_on": left_on.isoformat(), "source": source},
        )
    if employee.left_on is not None and employee.left_on <= today:
        _close_access(organization, actor, employee, source)
        for follower in departure_followers():
            follower(organization, employee, actor)
    return employee


@transaction.atomic
def employee_reactivate(*, organization: Organization, actor: User | None, employee_id: int, source: str) -> Employee:
    """The person is back (SCIM `active: true`): leaving date cleared, a `hired` event, memberships and
    sign-in restored. API tokens stay revoked and ended matches stay ended."""
    employee = get_scoped_or_404(Employee.objects.select_for_update(), organization, pk=employee_id)
    today = timezone.localdate()
    if employee.left_on is not None:
        before = employee.left_on
        employee.left_on = None
        employee.save(update_fields=["left_on", "updated_at"])
        EmploymentEvent.objects.create(
            organization=organization,
            employee=employee,
            kind=EmploymentEvent.Kind.HIRED,
            occurred_on=today,
            old_value=before.isoformat(),
            new_value=today.isoformat(),
        )
        audit_record(
            organization=organization,
            actor=actor,
            verb="employee.reactivate",
            target=employee,
            changes={"left_on": [before.isoformat(), None], "source": [None, source]},
        )
    memberships = list(scoped(Membership, organization).filter(employee=employee, deactivated_at__isnull=False))
    if memberships:
        scoped(Membership, organization).filter(pk__in=[m.pk for m in memberships]).update(deactivated_at=None)
        # Only a sign-in a departure turned off comes back on (whichever organization's departure it was: the
        # account is one across organizations), never one the operator disabled.
        users = [m.user_id for m in memberships]
        with all_organizations():  # whichever organization's departure turned the sign-in off
            turned_off = Membership.objects.filter(user_id__in=users, deactivation_disabled_sign_in=True)
            reenable = set(turned_off.values_list("user_id", flat=True))
            turned_off.update(deactivation_disabled_sign_in=False)
        User.objects.filter(pk__in=reenable, is_active=False).update(is_active=True)
    return employee


def departures_due(*, organization: Organization, today: date | None = None) -> list[int]:
    """The employees (ids) who left by `today` but whose departure is not complete: a membership still
    active, or something a follower would end (an open enrollment, a calendar feed, a reminder)."""
    today = today or timezone.localdate()
    left = scoped(Employee, organization).filter(left_on__lte=today)
    due = set(
        scoped(Membership, organization)
        .filter(deactivated_at__isnull=True, employee__in=left)
        .values_list("employee_id", flat=True)
    )
    for pending in departure_pending():
        due.update(pending(organization, today))
    return sorted(due)


def returns_due(*, organization: Organization, today: date | None = None) -> list[int]:
    """The employees (ids) who are current again (a roster import cleared or moved their leaving date) but whose
    access a departure closed: a deactivated membership. Only departures deactivate memberships."""
    today = today or timezone.localdate()
    current = scoped(Employee, organization).filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    return sorted(
        set(
            scoped(Membership, organization)
            .filter(deactivated_at__isnull=False, employee__in=current)
            .values_list("employee_id", flat=True)
        )
    )


def departures_complete(*, organization: Organization, actor: User | None, source: str) -> int:
    """Complete every due departure (`departures_due`), each in its own transaction: one that fails is
    logged and tried again next time, the others go on; and give their access back to the people a roster
    import brought back (`returns_due`; like SCIM's `active: true`, not their matches or tokens). Returns how
    many departures were completed."""
    for employee_id in returns_due(organization=organization):
        employee_reactivate(organization=organization, actor=actor, employee_id=employee_id, source=source)
    completed = 0
    for employee_id in departures_due(organization=organization):
        try:
            employee_depart(organization=organization, actor=actor, employee_id=employee_id, source=source)
        except Exception:  # the next run tries again; one person must not hold back the others
            logger.exception("Departure of employee %s of organization %s failed.", employee_id, organization.pk)
        else:
            completed += 1
    return completed
