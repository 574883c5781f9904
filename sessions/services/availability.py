"""A person's availability for Find a time: weekly working windows (local wall-clock times in their own zone)
and away dates. Set as a whole (the page and the API send everything at once), so there is one write."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.tenancy import scoped

from ..models import AvailabilityWindow, AwayPeriod

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_WINDOWS_PER_DAY = 6
MIN_WINDOW = timedelta(minutes=15)
MAX_AWAY_PERIODS = 30
MAX_AWAY_DAYS = 366
# Away dates further back than this are of no use to Find a time; refusing them keeps typos out (1926 for 2026).
AWAY_PAST_DAYS = 31


@dataclass(frozen=True)
class WindowIn:
    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class AwayIn:
    starts_on: date
    ends_on: date


def _span(window: WindowIn) -> str:
    return f"{window.starts:%H:%M}\u2013{window.ends:%H:%M}"


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def availability_clean_windows(windows: list[WindowIn]) -> list[WindowIn]:
    """The windows sorted, or a ValidationError naming the day: end after start, at least 15 minutes, no
    overlaps, at most 6 a day."""
    by_day: dict[int, list[WindowIn]] = defaultdict(list)
    for window in windows:
        if not 0 <= window.weekday <= 6:
            raise ValidationError({"windows": [_("A weekday is 0 (Monday) to 6 (Sunday).")]})
        by_day[window.weekday].append(window)
    errors: list[str] = []
    for day, items in sorted(by_day.items()):
        name = str(WEEKDAYS[day])
        items.sort(key=lambda w: w.starts)
        if len(items) > MAX_WINDOWS_PER_DAY:
            errors.append(_("%(day)s: at most %(count)s windows a day.") % {"day": name, "count": MAX_WINDOWS_PER_DAY})
        for window in items:
            if window.ends <= window.starts:
                errors.append(_("%(day)s: %(span)s ends before it starts.") % {"day": name, "span": _span(window)})
            elif _minutes(window.ends) - _minutes(window.starts) < MIN_WINDOW.total_seconds() // 60:
                errors.append(_("%(day)s: %(span)s is shorter than 15 minutes.") % {"day": name, "span": _span(window)})
        for before, after in pairwise(items):
            if after.starts < before.ends:
                errors.append(
                    _("%(day)s: %(first)s and %(second)s overlap.")
                    % {"day": name, "first": _span(before), "second": _span(after)}
                )
    if errors:
        raise ValidationError({"windows": errors})
    return sorted(windows, key=lambda w: (w.weekday, w.starts))


def availability_clean_away(away: list[AwayIn], *, today: date) -> list[AwayIn]:
    errors: list[str] = []
    if len(away) > MAX_AWAY_PERIODS:
        errors.append(_("At most %(count)s away periods.") % {"count": MAX_AWAY_PERIODS})
    for period in away:
        label = f"{date_format(period.starts_on, 'd M Y')}\u2013{date_format(period.ends_on, 'd M Y')}"
        if period.ends_on < period.starts_on:
            errors.append(_("%(period)s: the last day is before the first.") % {"period": label})
        elif (period.ends_on - period.starts_on).days >= MAX_AWAY_DAYS:
            errors.append(_("%(period)s: at most a year at a time.") % {"period": label})
        elif period.ends_on < today - timedelta(days=AWAY_PAST_DAYS):
            errors.append(_("%(period)s: this is long past; give dates ahead.") % {"period": label})
    if errors:
        raise ValidationError({"away": errors})
    return sorted(away, key=lambda p: p.starts_on)


@transaction.atomic
def availability_set(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    windows: list[WindowIn],
    away: list[AwayIn],
    today: date | None = None,
) -> None:
    """Replace this person's weekly windows and away dates. No windows at all means "not set": Find a time then
    assumes Monday to Friday, 09:00-17:00 in their zone."""
    if employee.organization_id != organization.pk:
        raise ValidationError(_("This person is not in this organization."))
    today = today or timezone.localdate()
    windows = availability_clean_windows(windows)
    away = availability_clean_away(away, today=today)
    # Lock the person's row: two saves at once (two tabs) then replace in turn instead of mixing their rows.
    scoped(Employee, organization).select_for_update().filter(pk=employee.pk).exists()
    scoped(AvailabilityWindow, organization).filter(employee=employee).delete()
    scoped(AwayPeriod, organization).filter(employee=employee).delete()
    rows = [
        AvailabilityWindow(
            organization=organization, employee=employee, weekday=w.weekday, starts=w.starts, ends=w.ends
        )
        for w in windows
    ]
    periods = [
        AwayPeriod(organization=organization, employee=employee, starts_on=p.starts_on, ends_on=p.ends_on) for p in away
    ]
    for row in (*rows, *periods):
        row.full_clean(exclude=["organization", "employee"], validate_constraints=False)
    AvailabilityWindow.objects.bulk_create(rows)
    AwayPeriod.objects.bulk_create(periods)
