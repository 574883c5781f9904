"""The impact report: participants against comparable colleagues who did not take part, honestly.

- Participants: everyone whose match started (mentees, mentors, or both; one program or all). Their
  "index date" is the start of their first match.
- Comparison group: colleagues who never enrolled in any program, matched to each participant on
  department, job level and tenure band as they were on the participant's index date (levels and
  departments are read back from the roster's employment events), employed on that date; up to three per
  participant, drawn without replacement, reproducibly. Each control takes its participant's index date.
  Participants with no comparable colleague are left out of the comparison, and counted.
- Retention over 12 months: Kaplan-Meier curves from the index date (leaving is the event; people still
  employed today, or past 12 months, are censored), with 95 % intervals, and the difference in percentage
  points with its interval. When too few people have been followed for 12 months, the report says so and
  reads the curves at the longest horizon that enough people of both groups have reached.
- Promotions: job-level increases per 100 person-years of follow-up, with exact Poisson intervals.
- Closing-survey outcomes: the share agreeing (4 or 5 of 5) with each impact statement, and the NPS.
- Who takes part: the shares of each self-identified group among participants and in the organization.

Every figure states its group sizes and passes analytics.suppression: no group smaller than the
organization's minimum is ever shown as a number. None of this is causal proof: people choose to take
part; the report says so on the page.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.core.cache import cache
from django.utils import timezone

from matching.models import MatchMember
from mentorhub.accounts.models import Employee, EmploymentEvent, Organization
from programs.models import Participant

from . import stats, suppression
from .demographics import ATTRIBUTES
from .models import ParticipantFact, SelfIdentification, SurveyQuestion, SurveyResponse
from .question_sets import AGREE_FROM, CLOSING, IMPACT_CODES, STANDARD
from .selectors import analytics_rows
from .services.rollups import rollup_version_key
from .suppression import Figure

FOLLOW_UP_DAYS = 365
CONTROLS_PER_PARTICIPANT = 3
MONTH = 365.25 / 12
TENURE_BANDS = ((1, "under 1 year"), (3, "1 to 3 years"), (5, "3 to 5 years"), (10, "5 to 10 years"))
ROLES = ("all", "mentee", "mentor")
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class ImpactFilters:
    program_id: int | None = None
    role: str = "all"

    def key(self) -> str:
        return f"p{self.program_id or '-'}:r{self.role}"


@dataclass
class CurvePoint:
    month: int
    participants: tuple[float, float, float] | None  # (retained, lower, upper), as shares
    comparison: tuple[float, float, float] | None


@dataclass
class Retention:
    horizon_months: int  # 12, or fewer when not enough people have been followed that long
    participants: Figure  # percent retained at the horizon: value (estimate, lower, upper)
    comparison: Figure
    difference: Figure  # percentage points (estimate, lower, upper)
    curve: list[CurvePoint] = field(default_factory=list)
    note: str = ""


@dataclass
class Promotions:
    participants: Figure  # per 100 person-years: (rate, lower, upper)
    comparison: Figure
    participants_person_years: float = 0.0
    comparison_person_years: float = 0.0


@dataclass
class Outcome:
    code: str
    label: str
    agreeing: Figure  # percent agreeing: (estimate, lower, upper); for NPS: the score


@dataclass
class GroupShare:
    value: str
    participants: Figure  # percent of participants who shared this attribute
    organization: Figure  # percent of everyone who shared it


@dataclass
class AttributeTable:
    code: str
    label: str
    answered_participants: Figure
    answered_organization: Figure
    rows: list[GroupShare]


@dataclass
class ImpactReport:
    k: int
    filters: ImpactFilters
    today: date
    participants: Figure  # people who took part (in the filters)
    compared: Figure  # participants with comparable colleagues
    unmatched: Figure  # participants without any
    comparison: Figure  # colleagues in the comparison group
    retention: Retention | None = None
    promotions: Promotions | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    respondents: Figure | None = None
    groups: list[AttributeTable] = field(default_factory=list)
    note: str = ""
    refused: str = ""  # why this selection is not shown on its own (every figure hidden then)


def impact_report(*, organization: Organization, filters: ImpactFilters, today: date | None = None) -> ImpactReport:
    version = cache.get(rollup_version_key(organization.pk), "none")
    day = today or timezone.localdate()
    key = f"analytics:impact:o{organization.pk}:v{version}:k{organization.min_group_size}:{filters.key()}:{day}"
    report = cache.get(key)
    if report is None:
        report = build_impact_report(organization=organization, filters=filters, today=today)
        cache.set(key, report, CACHE_SECONDS)
    return report


# --- The cohort -----------------------------------------------------------------------------------------


@dataclass
class Person:
    employee_id: int
    hired_on: date
    left_on: date | None
    index: date | None = None


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


def _participants(organization: Organization, filters: ImpactFilters) -> dict[int, date]:
    """{employee id: index date} of everyone whose match started (in the filters)."""
    facts = analytics_rows(ParticipantFact, organization).filter(matched_at__isnull=False)
    if filters.program_id:
        facts = facts.filter(program_id=filters.program_id)
    if filters.role != "all":
        facts = facts.filter(role=filters.role)
    index: dict[int, date] = {}
    for employee_id, matched_at in facts.values_list("employee_id", "matched_at"):
        day = matched_at.date()
        if employee_id not in index or day < index[employee_id]:
            index[employee_id] = day
    return index


def build_impact_report(
    *, organization: Organization, filters: ImpactFilters, today: date | None = None, guard: bool = True
) -> ImpactReport:
    """The report; with `guard`, its figures are also checked against the wider views (all programs, all
    roles) so that no difference of two published figures is about fewer than k people."""
    today = today or timezone.localdate()
    k = organization.min_group_size
    index = _participants(organization, filters)
    employees = {
        pk: (department, level, hired_on, left_on)
        for pk, department, level, hired_on, left_on in analytics_rows(Employee, organization).values_list(
            "pk", "department", "job_level", "hired_on", "left_on"
        )
    }
    history = History(organization)
    ever_enrolled = set(analytics_rows(Participant, organization).values_list("employee_id", flat=True))
    pairs = _match_controls(organization, index, employees, history, ever_enrolled)
    compared = sorted({participant for participant, _ in pairs})
    controls = [(control, index[participant]) for participant, control in pairs]
    # Participants minus the compared are those without a comparable colleague: when they are a small group,
    # the larger total is hidden too (the compared are the group every figure below is about).
    report = ImpactReport(
        k=k,
        filters=filters,
        today=today,
        participants=suppression.count(len(index), k, hidden=suppression.chain([len(index), len(compared)], k)[1]),
        compared=suppression.count(len(compared), k),
        unmatched=suppression.count(len(index) - len(compared), k),
        comparison=suppression.count(len(controls), k),
    )
    if report.unmatched.hidden and len(index) - len(compared) > 0 and report.compared.shown:
        report.participants = suppression.Figure(None, None, suppression.COMPLEMENTARY, k)
    if len(compared) >= k and len(controls) >= k:
        treated = [(employee_id, index[employee_id]) for employee_id in compared]
        report.retention = _retention(treated, controls, employees, today, k)
        report.promotions = _promotions(treated, controls, employees, history, today, k)
    else:
        report.note = (
            f"Fewer than {k} participants (or comparable colleagues) yet: retention and promotions appear once "
            "there are enough people on both sides."
        )
    _outcomes(report, organization, filters, k)
    _groups(report, organization, set(index), k)
    if guard:
        refusal = _sibling_refusal(organization, filters, k)
        if refusal:
            _hide_all(report)
            report.note = report.refused = refusal
            return report
        wider = [
            ImpactFilters(program_id=program_id, role=role)
            for program_id, role in {(None, filters.role), (filters.program_id, "all"), (None, "all")}
            if (program_id, role) != (filters.program_id, filters.role)
        ]
        parents = [build_impact_report(organization=organization, filters=f, today=today, guard=False) for f in wider]
        _guard(report, parents)
    return report


def _figures(report: ImpactReport) -> dict[str, tuple[object, str]]:
    """Every figure of a report by a name that is the same in every view: {name: (holder, attribute)}."""
    found: dict[str, tuple[object, str]] = {
        name: (report, name) for name in ("participants", "compared", "unmatched", "comparison", "respondents")
    }
    if report.retention is not None:
        for name in ("participants", "comparison", "difference"):
            found[f"retention:{name}"] = (report.retention, name)
    if report.promotions is not None:
        for name in ("participants", "comparison"):
            found[f"promotions:{name}"] = (report.promotions, name)
    for outcome in report.outcomes:
        found[f"outcome:{outcome.code}"] = (outcome, "agreeing")
    for table in report.groups:
        found[f"group:{table.code}:answered"] = (table, "answered_participants")
        for row in table.rows:
            found[f"group:{table.code}:{row.value}"] = (row, "participants")
    return found


def _hide_all(report: ImpactReport) -> None:
    for holder, attribute in _figures(report).values():
        if getattr(holder, attribute) is not None:
            setattr(holder, attribute, suppression.Figure(None, None, suppression.COMPLEMENTARY, report.k))


def _sibling_refusal(organization: Organization, filters: ImpactFilters, k: int) -> str:
    """Rule 2 across views: one program (or one role) is shown alone only if the breakdown by program (or
    role), the other filter kept, would show it: participants and closing-survey respondents are each
    checked. Otherwise all programs minus the other programs' views would give away this one's figures."""
    people = list(
        analytics_rows(ParticipantFact, organization)
        .filter(matched_at__isnull=False)
        .values_list("program_id", "role", "employee_id")
        .distinct()
    )
    respondents = list(
        analytics_rows(SurveyResponse, organization)
        .filter(survey__kind=CLOSING)
        .values_list("program_id", "assignment__respondent_id")
        .distinct()
    )
    role_of = {(program_id, employee_id): role for program_id, role, employee_id in people}
    checks = []
    if filters.program_id:
        checks.append(("program", filters.program_id, lambda program_id, role: program_id, filters.role, "role"))
    if filters.role != "all":
        checks.append(("role", filters.role, lambda program_id, role: role, filters.program_id, "program"))
    for label, value, key_of, other, _ in checks:
        for rows in (
            [(program_id, role) for program_id, role, _employee in people],
            [(program_id, role_of.get((program_id, respondent), "")) for program_id, respondent in respondents],
        ):
            counts: dict[object, int] = defaultdict(int)
            for program_id, role in rows:
                if label == "program" and other != "all" and role != other:
                    continue
                if label == "role" and other and program_id != other:
                    continue
                counts[key_of(program_id, role)] += 1
            if value in counts and suppression.partition(counts, k)[value]:
                what = "program" if label == "program" else "group (mentees or mentors)"
                return (
                    f"This {what} is too small to be shown on its own: beside the others' figures it would reveal "
                    f"a group smaller than {k}. Choose a wider selection."
                )
    return ""


def _guard(report: ImpactReport, parents: list[ImpactReport]) -> None:
    mine = _figures(report)
    for parent in parents:
        theirs = _figures(parent)
        for name, (holder, attribute) in mine.items():
            child = getattr(holder, attribute)
            if name in theirs and child is not None:
                parent_holder, parent_attribute = theirs[name]
                setattr(holder, attribute, suppression.guarded(child, getattr(parent_holder, parent_attribute)))


def _match_controls(
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


def _follow_up(people: list[tuple[int, date]], employees: dict[int, tuple], today: date):
    """(durations in days, left within the follow-up?) for each (employee, index date)."""
    durations, events = [], []
    for pk, start in people:
        left_on = employees[pk][3]
        end = min(start + timedelta(days=FOLLOW_UP_DAYS), today)
        if left_on is not None and start < left_on <= end:
            durations.append((left_on - start).days)
            events.append(True)
        else:
            durations.append(max(0, (end - start).days))
            events.append(False)
    return np.array(durations, dtype=float), np.array(events, dtype=bool)


def _retention(treated, controls, employees, today: date, k: int) -> Retention:
    t_durations, t_events = _follow_up(treated, employees, today)
    c_durations, c_events = _follow_up(controls, employees, today)
    horizon = 0
    for months in range(12, 0, -1):
        days = min(months * MONTH, FOLLOW_UP_DAYS)  # twelve months is the 365 days of follow-up
        if (t_durations >= days).sum() + (t_events & (t_durations < days)).sum() >= k and (
            c_durations >= days
        ).sum() + (c_events & (c_durations < days)).sum() >= k:
            horizon = months
            break
    survival_t, survival_c = stats.kaplan_meier(t_durations, t_events), stats.kaplan_meier(c_durations, c_events)
    if horizon == 0:
        hidden = suppression.figure(None, 0, k)
        return Retention(0, hidden, hidden, hidden, note=f"Fewer than {k} people have been followed for a month yet.")
    days = min(horizon * MONTH, FOLLOW_UP_DAYS)
    difference = stats.survival_difference(survival_t, survival_c, days)
    retention = Retention(
        horizon_months=horizon,
        participants=suppression.figure(_percents(survival_t.at(days)), len(treated), k),
        comparison=suppression.figure(_percents(survival_c.at(days)), len(controls), k),
        difference=suppression.figure(
            _percents((difference.estimate, difference.lower, difference.upper)), min(len(treated), len(controls)), k
        ),
        note="" if horizon == 12 else f"Read at {horizon} months: fewer than {k} people have been followed for 12.",
    )
    for month in range(horizon + 1):
        moment = month * MONTH
        retention.curve.append(CurvePoint(month, _percents(survival_t.at(moment)), _percents(survival_c.at(moment))))
    return retention


def _promotions(treated, controls, employees, history: History, today: date, k: int) -> Promotions:
    def rate(people):
        years, promotions = 0.0, 0
        durations, _events = _follow_up(people, employees, today)
        for (pk, start), days in zip(people, durations, strict=True):
            years += days / 365.25
            promotions += history.promoted_between(pk, start, start + timedelta(days=int(days)))
        return promotions, years

    t_promotions, t_years = rate(treated)
    c_promotions, c_years = rate(controls)
    return Promotions(
        participants=suppression.figure(_rounded(stats.poisson_rate(t_promotions, t_years, 100)), len(treated), k),
        comparison=suppression.figure(_rounded(stats.poisson_rate(c_promotions, c_years, 100)), len(controls), k),
        participants_person_years=round(t_years, 1),
        comparison_person_years=round(c_years, 1),
    )


def _outcomes(report: ImpactReport, organization: Organization, filters: ImpactFilters, k: int) -> None:
    questions = analytics_rows(SurveyQuestion, organization).filter(
        survey__kind=CLOSING, code__in=[*IMPACT_CODES, "recommend"]
    )
    if filters.program_id:
        questions = questions.filter(survey__program_id=filters.program_id)
    code_of = {str(pk): code for pk, code in questions.values_list("pk", "code")}
    responses = analytics_rows(SurveyResponse, organization).filter(survey__kind=CLOSING)
    if filters.program_id:
        responses = responses.filter(program_id=filters.program_id)
    rows = list(responses.values_list("answers", "assignment__respondent_id", "assignment__match_id"))
    if filters.role != "all":
        roles = {
            (match_id, employee_id): role
            for match_id, employee_id, role in analytics_rows(MatchMember, organization)
            .filter(match_id__in={match_id for _, _, match_id in rows})
            .values_list("match_id", "participant__employee_id", "role")
        }
        wanted = {"mentee": ("mentee", "member"), "mentor": ("mentor", "facilitator")}[filters.role]
        rows = [row for row in rows if roles.get((row[2], row[1])) in wanted]
    report.respondents = suppression.count(len({respondent for _, respondent, _ in rows}), k)
    values: dict[str, list[int]] = defaultdict(list)
    people: dict[str, set[int]] = defaultdict(set)  # a person with two matches answers twice: one person
    for answers, respondent, _match in rows:
        for question_id, value in (answers or {}).items():
            code = code_of.get(str(question_id))
            if code and isinstance(value, int):
                values[code].append(value)
                people[code].add(respondent)
    labels = {question.code: question.report_label for question in STANDARD[CLOSING] if question.report_label}
    for code in IMPACT_CODES:
        answered = values.get(code, [])
        agreeing = sum(1 for value in answered if value >= AGREE_FROM)
        estimate = tuple(round(100 * v, 1) for v in stats.wilson(agreeing, len(answered))) if answered else None
        report.outcomes.append(Outcome(code, labels[code], suppression.figure(estimate, len(people[code]), k)))
    scores = values.get("recommend", [])
    nps = None
    if scores:
        promoters = sum(1 for value in scores if value >= 9)
        detractors = sum(1 for value in scores if value <= 6)
        nps = round(100 * (promoters - detractors) / len(scores))
    report.outcomes.append(
        Outcome("recommend", labels["recommend"], suppression.figure(nps, len(people["recommend"]), k))
    )


def _groups(report: ImpactReport, organization: Organization, participants: set[int], k: int) -> None:
    """Participation by self-identified group against everyone who shared the same attribute (current
    employees). Each column is a whole split into groups: small groups hidden, with their complements."""
    today = report.today
    current = set(
        analytics_rows(Employee, organization)
        .filter(hired_on__lte=today)
        .exclude(left_on__lte=today)
        .values_list("pk", flat=True)
    )
    answers: dict[str, dict[int, str]] = defaultdict(dict)
    for employee_id, attribute, value in analytics_rows(SelfIdentification, organization).values_list(
        "employee_id", "attribute", "value"
    ):
        if employee_id in current or employee_id in participants:
            answers[attribute][employee_id] = value
    for attribute in ATTRIBUTES:
        given = answers.get(attribute.code, {})
        everyone = {pk: value for pk, value in given.items() if pk in current}
        taking_part = {pk: value for pk, value in given.items() if pk in participants}
        counts_all = {value: sum(1 for v in everyone.values() if v == value) for value in attribute.values}
        counts_part = {value: sum(1 for v in taking_part.values() if v == value) for value in attribute.values}
        hidden_all = suppression.partition(counts_all, k)
        hidden_part = suppression.partition(counts_part, k)
        rows = [
            GroupShare(
                value=value,
                participants=suppression.figure(
                    _share(counts_part[value], len(taking_part)), counts_part[value], k, hidden=hidden_part[value]
                ),
                organization=suppression.figure(
                    _share(counts_all[value], len(everyone)), counts_all[value], k, hidden=hidden_all[value]
                ),
            )
            for value in attribute.values
        ]
        report.groups.append(
            AttributeTable(
                code=attribute.code,
                label=attribute.label,
                answered_participants=suppression.count(len(taking_part), k),
                answered_organization=suppression.count(len(everyone), k),
                rows=rows,
            )
        )


def _percents(shares: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(100 * share, 1) for share in shares)


def _rounded(values: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(value, 1) for value in values)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
