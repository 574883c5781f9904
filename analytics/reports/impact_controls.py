"""The impact report's comparison group (analytics.reports.impact): for each participant, up to three
colleagues who never enrolled in any program, of the same department, job level and tenure band on the
participant's index date (levels and departments read back from the roster's employment events), employed
then, drawn without replacement and reproducibly."""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date

from mentorhub.accounts.models import EmploymentEvent, Organization

from ..selectors import analytics_rows

CONTROLS_PER_PARTICIPANT = 3
TENURE_BANDS = ((1, "under 1 year"), (3, "1 to 3 years"), (5, "3 to 5 years"), (10, "5 to 10 years"))


class History:
    """An employee's job level and department on any past date, read back from the roster's events."""

    def __init__(self, organization: Organization) -> None:
        self.level: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
        self.department: dict[int, list[tuple[date, str, str]]] = defaultdict(list)
        self.promotions: dict[int, list[date]] = defaultdict(list)
        events = (
            analytics_rows(EmploymentEvent, organization)
            .filter(kind__in=[EmploymentEvent.Kind.LEVEL_CHANGE, EmploymentEvent.Kind.DEPARTMENT_CHANGE])
            .order_by("occurred_on", "id")
            .values_list("employee_id", "kind", "occurred_on", "old_value", "new_value")
        )
        for employee_id, kind, on, old, new in events:
            if kind == EmploymentEvent.Kind.DEPARTMENT_CHANGE:
                self.department[employee_id].append((on, old, new))
                continue
            try:
                before, after = int(old), int(new)
            except ValueError:
                continue
            self.level[employee_id].append((on, before, after))
            if after > before:
                self.promotions[employee_id].append(on)

    def level_on(self, employee_id: int, current: int, day: date) -> int:
        """The level on `day`: the old level of the first change after it, else today's."""
        for on, before, _after in self.level.get(employee_id, ()):
            if on > day:
                return before
        return current

    def department_on(self, employee_id: int, current: str, day: date) -> str:
        for on, before, _after in self.department.get(employee_id, ()):
            if on > day:
                return before
        return current

    def promoted_between(self, employee_id: int, start: date, end: date) -> int:
        dates = self.promotions.get(employee_id, ())
        return sum(1 for on in dates if start < on <= end)


def tenure_band(hired_on: date, day: date) -> str:
    years = (day - hired_on).days / 365.25
    for limit, label in TENURE_BANDS:
        if years < limit:
            return label
    return "10 years or more"


def match_controls(
    organization: Organization,
    index: dict[int, date],
    employees: dict[int, tuple],
    history: History,
    ever_enrolled: set[int],
) -> list[tuple[int, int]]:
    """[(participant, control)]: up to three never-enrolled colleagues per participant, of the same
    department, level and tenure band on the participant's index date and employed then, each used once."""
    pool = _Pool(employees, history, ever_enrolled)
    rng = random.Random(organization.pk)  # noqa: S311 - reproducible sampling, not a secret
    used: set[int] = set()
    fitting: dict[tuple, list[int]] = {}
    pairs = []
    for participant in sorted(index, key=lambda pk: (index[pk], pk)):
        if participant not in employees:
            continue
        day = index[participant]
        stratum = _stratum(participant, employees, history, day)
        key = (stratum, day)
        if key not in fitting:
            fitting[key] = pool.fitting(stratum, day)
        candidates = [pk for pk in fitting[key] if pk not in used]
        for control in rng.sample(candidates, min(CONTROLS_PER_PARTICIPANT, len(candidates))):
            used.add(control)
            pairs.append((participant, control))
    return pairs


class _Pool:
    """Never-enrolled colleagues, arranged so that those of one stratum on one day are found without
    looking at everyone: by (department, level), sorted by hire date (the tenure band is a range of hire
    dates). Colleagues whose level or department changed are filed under every (department, level) they
    held, and checked one by one (they are few)."""

    def __init__(self, employees: dict[int, tuple], history: History, ever_enrolled: set[int]) -> None:
        self.employees, self.history = employees, history
        self.plain: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)  # (hired ordinal, pk)
        self.changed: dict[tuple[str, int], list[int]] = defaultdict(list)
        for pk in sorted(employees):
            if pk in ever_enrolled:
                continue
            department, level, hired_on, _left_on = employees[pk]
            if pk in history.level or pk in history.department:
                held = {(department, level)}
                departments = {department} | {v for _, old, new in history.department.get(pk, ()) for v in (old, new)}
                levels = {level} | {v for _, old, new in history.level.get(pk, ()) for v in (old, new)}
                held |= {(d, lv) for d in departments for lv in levels}
                for place in held:
                    self.changed[place].append(pk)
            else:
                self.plain[department, level].append((hired_on.toordinal(), pk))
        for rows in self.plain.values():
            rows.sort()

    def fitting(self, stratum: tuple[str, int, str], day: date) -> list[int]:
        department, level, band = stratum
        rows = self.plain.get((department, level), [])
        low, high = _hired_between(band, day)
        start, stop = bisect_left(rows, (low, -1)), bisect_right(rows, (high, 1 << 62))
        # In id order (as the sampling has always seen them), unchanged colleagues first.
        found = sorted(
            pk
            for _ordinal, pk in rows[start:stop]
            if _employed(self.employees[pk], day) and tenure_band(self.employees[pk][2], day) == band
        )
        found += [
            pk
            for pk in self.changed.get((department, level), ())
            if _employed(self.employees[pk], day) and _stratum(pk, self.employees, self.history, day) == stratum
        ]
        return found


def _hired_between(band: str, day: date) -> tuple[int, int]:
    """Hire dates (ordinals) that can fall in the band on `day`, a day wider each side (exact check after)."""
    limits = [0, *(limit for limit, _ in TENURE_BANDS), 200]
    labels = [label for _, label in TENURE_BANDS] + ["10 years or more"]
    position = labels.index(band)
    lower, upper = limits[position], limits[position + 1]
    today = day.toordinal()
    return today - int(upper * 365.25) - 1, today - int(lower * 365.25) + 1


def _stratum(pk: int, employees: dict[int, tuple], history: History, day: date) -> tuple[str, int, str]:
    department, level, hired_on, _left_on = employees[pk]
    return (
        history.department_on(pk, department, day),
        history.level_on(pk, level, day),
        tenure_band(hired_on, day),
    )


def _employed(employee: tuple, day: date) -> bool:
    _department, _level, hired_on, left_on = employee
    return hired_on <= day and (left_on is None or left_on > day)
