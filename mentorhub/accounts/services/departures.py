"""Someone leaves the organization (deprovisioned by SCIM, or a roster import records it), or comes back.

A departure takes effect at once: the leaving date and a `left` employment event are recorded (the impact
report counts them), the person's memberships of this organization are deactivated (tenancy refuses them),
their API tokens revoked, and their sign-in disabled unless another organization still has them; every
registered follower (accounts/extensions.py) ends what else they had: matches, calendar feed.
Coming back restores the access, never what ended.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from mentorhub.tenancy import get_scoped_or_404, scoped

from ..extensions import departure_followers
from ..models import ApiToken, Employee, EmploymentEvent, Membership, Organization, User
from .audit import audit_record


def _close_access(organization: Organization, employee: Employee) -> None:
    now = timezone.now()
    memberships = list(
        scoped(Membership, organization).filter(employee=employee, deactivated_at__isnull=True).select_related("user")
    )
    if not memberships:
        return
    scoped(Membership, organization).filter(pk__in=[m.pk for m in memberships]).update(deactivated_at=now)
    scoped(ApiToken, organization).filter(membership__in=memberships, revoked_at__isnull=True).update(revoked_at=now)
    for membership in memberships:
        user = membership.user
        still_elsewhere = Membership.objects.filter(user=user, deactivated_at__isnull=True).exists()
        if not still_elsewhere and not user.is_superuser and user.is_active:
            # An inactive user is anonymous on the next request (Django's backends refuse inactive users),
            # so their open browser sessions end, and allauth refuses their next sign-in.
            User.objects.filter(pk=user.pk).update(is_active=False)


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
    if employee.left_on is None or employee.left_on > today:
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
    if employee.left_on is not None and employee.left_on <= today:
        _close_access(organization, employee)
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
        User.objects.filter(pk__in=[m.user_id for m in memberships], is_active=False).update(is_active=True)
    return employee
