"""What someone's departure from the organization means here: accounts' departure follower
(mentorhub/accounts/extensions.py), registered in this app's AppConfig.ready() and run inside the
departure's transaction, after matching ended their matches. Their calendar feed is deleted (its address
answers 404, and coming back gives a new address, never the old one), so is the address of their own calendar
(busy times) we fetched, and every reminder still planned
for them is skipped: nothing more is sent to someone who left. Idempotent."""

from __future__ import annotations

from datetime import date

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped

from ..models import BusyFeed, CalendarFeed, Reminder


def employee_departure_sessions(organization: Organization, employee: Employee, actor: User | None) -> None:
    feeds, _ = scoped(CalendarFeed, organization).filter(employee=employee).delete()
    busy_feeds, _ = scoped(BusyFeed, organization).filter(employee=employee).delete()
    # Including the cancellations of their match's sessions, planned a moment ago when matching ended it.
    skipped = (
        scoped(Reminder, organization)
        .filter(recipient=employee, status=Reminder.Status.PENDING)
        .update(status=Reminder.Status.SKIPPED, note="They left the organization.")
    )
    if feeds or busy_feeds or skipped:
        audit_record(
            organization=organization,
            actor=actor,
            verb="employee.departure_sessions",
            target=employee,
            changes={
                "calendar_feed_deleted": [False, bool(feeds)],
                "busy_feed_deleted": [False, bool(busy_feeds)],
                "reminders_skipped": [0, skipped],
            },
        )


def departures_pending_sessions(organization: Organization, today: date) -> set[int]:
    """The employees who left by `today` and still have a calendar feed or a reminder planned."""
    feeds = (
        scoped(CalendarFeed, organization).filter(employee__left_on__lte=today).values_list("employee_id", flat=True)
    )
    busy_feeds = (
        scoped(BusyFeed, organization).filter(employee__left_on__lte=today).values_list("employee_id", flat=True)
    )
    reminders = (
        scoped(Reminder, organization)
        .filter(status=Reminder.Status.PENDING, recipient__left_on__lte=today)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return set(feeds) | set(busy_feeds) | set(reminders)
