"""Acme's roster over the last two years, as its monthly roster imports recorded it: who left (left_on, with a
"left" employment event) and who was promoted (a "level_change" event with the old and new level, the new
level on the roster). And what people chose to share about themselves (opt-in self-identification).

The effect the impact report looks for is built in, modestly: colleagues who never took part leave at a
usual turnover rate (about 19 % a year) and are promoted now and then (about 9 in 100 a year); the past
cohort's people leave less (five of fifty within a year of their start) and are promoted more (nine in their
first year, three later: about 16 per 100 person-years, 1.3 to 1.9 times the comparison group's rate), and the
current participants, six months in, have not left and up to four of them were promoted (the rates and counts
are in demo/analytics/content.py). Changes never break what the programs rely on: a current participant is
promoted only within their program's eligible levels and keeping mentors senior to their mentees (junior in
reverse mentoring); the demo sign-ins keep their roster rows as they are.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from analytics.demographics import BY_CODE
from analytics.models import SelfIdentification
from analytics.reports.impact_controls import tenure_band
from demo.accounts import DEPARTMENTS
from demo.sessions.history import insert
from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, EmploymentEvent, Organization
from mentorhub.tenancy import scoped
from programs.models import Participant, Program

from .cohort import Cohort, first_starts
from .content import (
    ANSWERED,
    CAREGIVER,
    COHORT_PROMOTED_FIRST_YEAR,
    COHORT_PROMOTED_LATER,
    CURRENT_PROMOTED,
    DISABILITY,
    FIRST_GENERATION,
    GENDER_OTHERS,
    HISTORY_FROM_DAYS_BEFORE_COHORT,
    LEAVING_PER_YEAR,
    PROMOTIONS_PER_YEAR,
    SHARE_ANY,
    WOMEN,
)

Kind = EmploymentEvent.Kind
YEAR = 365.25
TOP_LEVEL = 9


def _title(employee: Employee, level: int) -> str:
    """The roster's title for a level, when the person has the roster's usual title (else theirs stays)."""
    titles = DEPARTMENTS.get(employee.department)
    if not titles or employee.title != titles[min(len(titles) - 1, employee.job_level // 3)]:
        return employee.title
    return titles[min(len(titles) - 1, level // 3)]


class _Seniority:
    """Whether a current participant may move up a level: still eligible for their program, and still senior
    to the people they mentor (junior to them in reverse mentoring), junior to their mentor."""

    def __init__(self, organization: Organization) -> None:
        self.rules: dict[int, list[tuple[int, str]]] = defaultdict(list)  # employee -> [(other, "above"|"below")]
        self.eligible: dict[int, list[list[int]]] = defaultdict(list)
        members = (
            scoped(MatchMember, organization)
            .filter(match__status__in=[Match.Status.ACTIVE, Match.Status.ENDED])
            .exclude(response=MatchMember.Response.DECLINED)
            .values_list(
                "match_id", "participant__employee_id", "role", "program__kind", "program__eligible_job_levels"
            )
        )
        by_match: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for match_id, employee_id, role, kind, levels in members:
            by_match[match_id].append((employee_id, role, kind))
            if levels:
                self.eligible[employee_id].append(list(levels))
        for people in by_match.values():
            leads = [(pk, kind) for pk, role, kind in people if role in ("mentor", "facilitator")]
            for lead, kind in leads:
                for follower, role, _kind in people:
                    if role in ("mentor", "facilitator"):
                        continue
                    senior, junior = (follower, lead) if kind == Program.Kind.REVERSE else (lead, follower)
                    self.rules[junior].append((senior, "below"))
                    self.rules[senior].append((junior, "above"))

    def allows(self, employee_id: int, level: int, levels: dict[int, int]) -> bool:
        if any(level not in allowed for allowed in self.eligible.get(employee_id, ())):
            return False
        for other, side in self.rules.get(employee_id, ()):
            if side == "below" and level >= levels[other]:
                return False
            if side == "above" and level <= levels[other]:
                return False
        return True


def seed_roster_history(organization: Organization, cohort: Cohort, rng: random.Random, now: datetime) -> dict:
    today = timezone.localdate(now)
    starts_on = cohort.program.starts_on
    assert starts_on is not None, "the past program was created with its dates"
    since = starts_on - timedelta(days=HISTORY_FROM_DAYS_BEFORE_COHORT)
    people = {
        e.pk: e for e in scoped(Employee, organization).exclude(employee_id__startswith="DEMO-").order_by("employee_id")
    }
    enrolled = set(scoped(Participant, organization).values_list("employee_id", flat=True))
    starts = {pk: start.date() for pk, start in first_starts(organization).items() if pk in people}
    past = {pk for pk in cohort.start_of if pk in people}
    current = {pk for pk in starts if pk not in past}
    levels = dict(scoped(Employee, organization).values_list("pk", "job_level"))  # the demo sign-ins too
    left: dict[int, date] = {}
    promotions: dict[int, list[date]] = defaultdict(list)

    # Departures: the cohort's as decided with its story; colleagues who never enrolled at the usual rate.
    left.update({pk: day for pk, day in cohort.departures.items() if pk in people})
    # In three periods (before the past cohort's start, its first year, since), each getting its expected share:
    # the comparison group of each cohort is read over one of them.
    pivot = min(cohort.start_of.values()).date()
    periods = [(since, pivot), (pivot, pivot + timedelta(days=365)), (pivot + timedelta(days=365), today)]
    for start, end in periods:
        others = [e for pk, e in people.items() if pk not in enrolled and e.left_on is None and pk not in left]

        def employed(e: Employee, start: date = start, end: date = end) -> tuple[date, date]:
            return max(start, e.hired_on), end - timedelta(days=2)

        left.update(_at_rate(rng, others, employed, LEAVING_PER_YEAR))

    def last_day(pk: int) -> date:
        gone = left.get(pk) or people[pk].left_on
        return min(gone - timedelta(days=1), today - timedelta(days=3)) if gone else today - timedelta(days=3)

    # Promotions of the past cohort: nine in the first year after their start, three later. Among people the
    # impact report can compare (colleagues of their department, level and tenure who never enrolled): a
    # promotion of someone it leaves out would not show anywhere.
    comparable = _comparable(people, enrolled, starts, left)
    firsts, laters = 0, 0
    candidates = sorted(pk for pk in past if levels[pk] < TOP_LEVEL)
    rng.shuffle(candidates)
    candidates.sort(key=lambda pk: pk not in comparable)
    for pk in candidates:
        first_year = firsts < COHORT_PROMOTED_FIRST_YEAR
        day = starts[pk] + timedelta(days=rng.randint(*((60, 360) if first_year else (380, 600))))
        if day <= last_day(pk):
            promotions[pk].append(day)
            firsts, laters = (firsts + 1, laters) if first_year else (firsts, laters + 1)
        if laters >= COHORT_PROMOTED_LATER:
            break

    # Current participants, six months in: a few, where their program and matches allow it.
    seniority = _Seniority(organization)
    candidates = sorted(
        pk for pk in current if pk in comparable and seniority.allows(pk, levels[pk] + 1, levels) and levels[pk] < 9
    )
    for pk in rng.sample(candidates, min(CURRENT_PROMOTED, len(candidates))):
        day = starts[pk] + timedelta(days=rng.randint(45, max(46, (last_day(pk) - starts[pk]).days)))
        if day <= last_day(pk):
            promotions[pk].append(day)

    # Colleagues who never enrolled: at the usual yearly rate, from six months after they were hired.
    for start, end in periods:
        others = [e for pk, e in people.items() if pk not in enrolled and levels[pk] + len(promotions[pk]) < 9]

        def settled(e: Employee, start: date = start, end: date = end) -> tuple[date, date]:
            return max(start, e.hired_on + timedelta(days=180)), min(end - timedelta(days=1), last_day(e.pk))

        for pk, day in _at_rate(rng, others, settled, PROMOTIONS_PER_YEAR).items():
            promotions[pk].append(day)
    return _write(organization, people, left, promotions, rng, now)


def _at_rate(
    rng: random.Random, people: list[Employee], window: Callable[[Employee], tuple[date, date]], per_year: float
) -> dict[int, date]:
    """{employee id: day} of an event at a yearly rate (a hazard), at most once per person, within their
    `window` (first and last day). Drawn per department and level with systematic sampling, so that each
    group gets its expected share, not one that happens to be much higher or lower: the impact report
    compares people of the same department and level."""
    groups: dict[tuple[str, int], list[Employee]] = defaultdict(list)
    for employee in people:
        groups[employee.department, employee.job_level].append(employee)
    found: dict[int, date] = {}
    for key in sorted(groups):
        group = groups[key]
        rng.shuffle(group)
        mark, total = rng.random(), 0.0
        for employee in group:
            start, end = window(employee)
            years = (end - start).days / YEAR
            if years <= 0:
                continue
            chance = 1 - math.exp(-per_year * years)
            before, total = total, total + chance
            if math.floor(total + mark) > math.floor(before + mark):
                # When, given that it happens before the end: the exponential waiting time, truncated there.
                wait = -math.log(1 - rng.random() * chance) / per_year
                found[employee.pk] = min(start + timedelta(days=max(1, round(wait * YEAR))), end)
    return found


def _comparable(people: dict[int, Employee], enrolled: set[int], starts: dict[int, date], left: dict) -> set[int]:
    """Participants with at least two never-enrolled colleagues of their department, level and tenure band
    employed on their start date (roughly whom the impact report finds a comparison for)."""
    strata: dict[tuple, list[Employee]] = defaultdict(list)
    for pk, employee in people.items():
        if pk not in enrolled:
            strata[employee.department, employee.job_level].append(employee)
    found = set()
    for pk, day in starts.items():
        employee = people[pk]
        band = tenure_band(employee.hired_on, day)
        colleagues = [
            other
            for other in strata.get((employee.department, employee.job_level), ())
            if other.hired_on <= day
            and (left.get(other.pk) or other.left_on or date.max) > day
            and tenure_band(other.hired_on, day) == band
        ]
        if len(colleagues) >= 2:
            found.add(pk)
    return found


def _write(
    organization: Organization,
    people: dict[int, Employee],
    left: dict[int, date],
    promotions: dict[int, list[date]],
    rng: random.Random,
    now: datetime,
) -> dict:
    """The roster rows and their events, recorded by the roster import after each change (a few days later)."""
    events, changed = [], []
    for pk, day in sorted(left.items()):
        employee = people[pk]
        employee.left_on = day
        events.append(EmploymentEvent(organization=organization, employee=employee, kind=Kind.LEFT, occurred_on=day,
                                      old_value="", new_value=day.isoformat()))  # fmt: skip
        changed.append(employee)
    for pk, days in sorted(promotions.items()):
        employee = people[pk]
        for day in sorted(days):
            new_level = employee.job_level + 1
            events.append(EmploymentEvent(organization=organization, employee=employee, kind=Kind.LEVEL_CHANGE,
                                          occurred_on=day, old_value=str(employee.job_level),
                                          new_value=str(new_level)))  # fmt: skip
            employee.title = _title(employee, new_level)
            employee.job_level = new_level
        if days and employee not in changed:
            changed.append(employee)
    for event in events:
        imported = datetime.combine(event.occurred_on + timedelta(days=rng.randint(1, 12)), time(6), tzinfo=UTC)
        event.created_at = min(imported, now - timedelta(hours=1))
    insert(EmploymentEvent, events)
    Employee.objects.bulk_update(changed, ["left_on", "job_level", "title"], batch_size=500)
    return {"left": len(left), "promotions": sum(len(days) for days in promotions.values())}


# --- Self-identification -------------------------------------------------------------------------------------


def _age_band(employee: Employee, rng: random.Random) -> str:
    years = (timezone.localdate() - employee.hired_on).days / YEAR
    age = 26 + 3 * (employee.job_level - 1) + 0.9 * years + rng.gauss(0, 10)
    values = BY_CODE["age_band"].values
    return values[0 if age < 25 else 1 if age < 35 else 2 if age < 45 else 3 if age < 55 else 4]


def seed_self_identification(organization: Organization, rng: random.Random) -> int:
    """About 60 % of acme's people shared something about themselves, participants a little more often; some
    questions are answered less often than others. Women are well represented among mentees, less so among
    mentors (as in many companies' first programs)."""
    roles: dict[int, str] = {}
    for employee_id, role in (
        scoped(MatchMember, organization)
        .exclude(response=MatchMember.Response.DECLINED)
        .values_list("participant__employee_id", "role")
    ):
        mentoring = role in ("mentor", "facilitator")
        roles[employee_id] = "mentor" if mentoring or roles.get(employee_id) == "mentor" else "mentee"
    rows = []
    for employee in scoped(Employee, organization).exclude(employee_id__startswith="DEMO-").order_by("employee_id"):
        role = roles.get(employee.pk, "other")
        group = "other" if role == "other" else "participant"
        if rng.random() >= SHARE_ANY[group]:
            continue
        answers: dict[str, str] = {}
        if rng.random() < ANSWERED["gender"]:
            roll = rng.random()
            others = list(GENDER_OTHERS.items())
            if roll < others[0][1]:
                answers["gender"] = others[0][0]
            elif roll < others[0][1] + others[1][1]:
                answers["gender"] = others[1][0]
            else:
                answers["gender"] = "Woman" if rng.random() < WOMEN[role] else "Man"
        if rng.random() < ANSWERED["age_band"]:
            answers["age_band"] = _age_band(employee, rng)
        if rng.random() < ANSWERED["caregiver"]:
            middle = answers.get("age_band") in ("35 to 44", "45 to 54")
            answers["caregiver"] = "Yes" if rng.random() < (CAREGIVER * 1.4 if middle else CAREGIVER * 0.7) else "No"
        if rng.random() < ANSWERED["disability"]:
            answers["disability"] = "Yes" if rng.random() < DISABILITY[group] else "No"
        if rng.random() < ANSWERED["first_generation"]:
            answers["first_generation"] = rng.choices(list(FIRST_GENERATION), list(FIRST_GENERATION.values()))[0]
        rows += [
            SelfIdentification(organization=organization, employee=employee, attribute=code, value=value)
            for code, value in answers.items()
        ]
    SelfIdentification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
