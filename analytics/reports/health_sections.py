"""The sections of the program-health report (analytics.reports.health): the enrollment funnel, timings,
sessions against the cadence, goals and satisfaction, the check-in response rate, matches at risk, trends by
month and the breakdown by department. Each fills its part of a HealthReport from the roll-up tables, every
figure a suppression.Figure."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from matching.models import MatchMember
from mentorhub.accounts.models import Employee, Organization
from programs.eligibility import eligible_employees_q
from programs.models import Program
from sessions.models import PairingFitAnswer

from .. import stats, suppression
from ..models import ParticipantFact, ProgramDay, SurveyAssignment
from ..selectors import analytics_rows
from ..suppression import Figure

if TYPE_CHECKING:  # the report imports its sections
    from .health import HealthFilters, HealthReport

MENTEE = "mentee"
TREND_MONTHS = 12


@dataclass
class Stage:
    label: str
    people: Figure
    share_of_previous: Figure | None  # percent of the stage before it; None for the first stage


@dataclass
class AtRisk:
    match_id: int
    program_name: str
    people: str
    reason: str
    last_session_at: datetime | None
    started_at: datetime | None


@dataclass
class Month:
    month: date  # the first day
    active_matches: Figure
    sessions_held: Figure
    new_enrollments: Figure
    checkin_average: Figure


@dataclass
class DepartmentRow:
    department: str
    enrolled: Figure
    matched: Figure
    active_90: Figure  # percent of matched who were still active at 90 days
    sessions_per_month: Figure


def _eligible(organization: Organization, filters: HealthFilters) -> int:
    programs = analytics_rows(Program, organization).exclude(status=Program.Status.DRAFT)  # drafts invite no one yet
    if filters.program_id:
        programs = analytics_rows(Program, organization).filter(pk=filters.program_id)
    condition = Q(pk__in=[])
    for program in programs:
        condition |= eligible_employees_q(program)
    employees = analytics_rows(Employee, organization).filter(condition)
    if filters.department:
        employees = employees.filter(department=filters.department)
    return employees.count()


def funnel(report: HealthReport, organization: Organization, filters: HealthFilters, rows: list[dict], k: int) -> None:
    mentees = [row for row in rows if row["role"] == MENTEE]
    sizes = [
        (gettext_noop("Eligible"), _eligible(organization, filters)),
        (gettext_noop("Enrolled as mentee"), len(mentees)),
        (gettext_noop("Matched"), sum(1 for row in mentees if row["matched_at"])),
        (gettext_noop("Had a first session"), sum(1 for row in mentees if row["first_session_at"])),
        (gettext_noop("Active at 90 days"), sum(1 for row in mentees if row["active_at_90_days"])),
        (gettext_noop("Completed"), sum(1 for row in mentees if row["completed"])),
    ]
    reasons = suppression.chain([size for _, size in sizes], k)
    for index, ((label, size), reason) in enumerate(zip(sizes, reasons, strict=True)):
        share = None
        if index:
            before, before_reason = sizes[index - 1][1], reasons[index - 1]
            hidden = reason or before_reason  # a share of a hidden stage would give it away
            share = suppression.figure(stats.percent(size, before), size, k, hidden=hidden)
        report.funnel.append(Stage(label, suppression.count(size, k, hidden=reason), share))
    mentors = [row for row in rows if row["role"] != MENTEE]
    report.mentors = suppression.count(len(mentors), k)


def timings(report: HealthReport, rows: list[dict], k: int) -> None:
    mentees = [row for row in rows if row["role"] == MENTEE]
    to_match = [
        (row["matched_at"] - row["enrolled_at"]).total_seconds() / 86400 for row in mentees if row["matched_at"]
    ]
    to_first = [
        (row["first_session_at"] - row["matched_at"]).total_seconds() / 86400
        for row in mentees
        if row["matched_at"] and row["first_session_at"]
    ]
    report.days_to_match = suppression.figure(_median(to_match), len(to_match), k)
    report.days_to_first_session = suppression.figure(_median(to_first), len(to_first), k)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def matches(report: HealthReport, organization: Organization, rows: list[dict], k: int) -> None:
    started = [row for row in rows if row["started_at"] is not None]
    rates = [row["sessions_held"] / max(row["months_active"], 1.0) for row in started]
    report.sessions_per_month = suppression.figure(round(sum(rates) / len(rates), 2) if rates else None, len(rates), k)
    cadences = dict(analytics_rows(Program, organization).values_list("pk", "cadence_per_month"))
    used = [cadences.get(row["program_id"], 0) for row in started]
    report.cadence = round(sum(used) / len(used), 2) if used else None
    with_goals = [row for row in started if row["goals"]]
    goals, done = sum(row["goals"] for row in with_goals), sum(row["goals_done"] for row in with_goals)
    report.goal_completion = suppression.figure(stats.percent(done, goals), len(with_goals), k)
    # Averages are about the people who answered: their number (not the answers') is the group size.
    checked = [row for row in started if row["checkins_answered"]]
    answered = sum(row["checkins_answered"] for row in checked)
    average = round(sum(row["checkin_score_sum"] for row in checked) / answered, 2) if answered else None
    respondents = {person for row in checked for person in row["checkin_respondents"]}
    report.checkin_average = suppression.figure(average, len(respondents), k)
    rated = [row for row in started if row["ratings"]]
    ratings = sum(row["ratings"] for row in rated)
    rating = round(sum(row["rating_sum"] for row in rated) / ratings, 2) if ratings else None
    raters = {person for row in rated for person in row["rating_authors"]}
    report.rating_average = suppression.figure(rating, len(raters), k)


def fit(report: HealthReport, organization: Organization, rows: list[dict], k: int) -> None:
    """The early pairing-fit check: the share of "yes" among the answers given in the matches in scope, over
    the people who answered (never per match or person: one answer is one person's private view)."""
    answers = list(
        analytics_rows(PairingFitAnswer, organization)
        .filter(match_id__in=[row["match_id"] for row in rows])
        .values_list("answer", "author_id")
    )
    yes = sum(1 for answer, _ in answers if answer == PairingFitAnswer.Answer.YES)
    people = len({author for _, author in answers})
    report.fit_rate = suppression.figure(stats.percent(yes, len(answers)) if answers else None, people, k)


def response_rate(
    report: HealthReport, organization: Organization, filters: HealthFilters, now: datetime, k: int
) -> None:
    """Check-ins asked for (due by now) and answered, counted over the people asked."""
    asked = analytics_rows(SurveyAssignment, organization).filter(survey__kind="checkin", due_at__lte=now)
    if filters.program_id:
        asked = asked.filter(program_id=filters.program_id)
    if filters.department:
        asked = asked.filter(respondent__department=filters.department)
    if filters.since:
        asked = asked.filter(due_at__gte=datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until:
        asked = asked.filter(due_at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=UTC))
    figures = asked.aggregate(
        asked=Count("id"),
        answered=Count("id", filter=Q(status=SurveyAssignment.Status.ANSWERED)),
        people=Count("respondent", distinct=True),
    )
    report.checkin_response_rate = suppression.figure(
        stats.percent(figures["answered"], figures["asked"]), figures["people"], k
    )


def at_risk(report: HealthReport, organization: Organization, rows: list[dict], k: int) -> None:
    risky = [row for row in rows if row["at_risk"]]
    report.at_risk_count = suppression.count(len(risky), k)
    names: dict[int, list[str]] = defaultdict(list)
    members = (
        analytics_rows(MatchMember, organization)
        .filter(match_id__in=[row["match_id"] for row in risky], current=True)
        .order_by("match_id", "role", "participant__employee__name")
        .values_list("match_id", "participant__employee__name")
    )
    for match_id, name in members:
        names[match_id].append(name)
    programs = dict(analytics_rows(Program, organization).values_list("pk", "name"))
    report.at_risk = [
        AtRisk(
            match_id=row["match_id"],
            program_name=programs.get(row["program_id"], ""),
            people=" and ".join(names.get(row["match_id"], [])),
            reason=row["at_risk_reason"],
            last_session_at=row["last_session_at"],
            started_at=row["started_at"],
        )
        for row in sorted(risky, key=lambda row: row["last_session_at"] or row["started_at"])
    ]


def months(report: HealthReport, organization: Organization, filters: HealthFilters, now: datetime, k: int) -> None:
    last = (filters.until or now.astimezone(UTC).date()).replace(day=1)
    first = filters.since.replace(day=1) if filters.since else _months_back(last, TREND_MONTHS - 1)
    days = analytics_rows(ProgramDay, organization).filter(day__gte=first, day__lte=_month_end(last))
    if filters.program_id:
        days = days.filter(program_id=filters.program_id)
    if filters.department:
        days = days.filter(department=filters.department)
    totals: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    month_ends: dict[date, date] = {}
    active_on: dict[date, int] = defaultdict(int)  # active matches at the end of each day
    respondents: dict[date, set[int]] = defaultdict(set)  # who answered check-ins, per month
    for row in days.values(
        "day", "active_matches", "sessions_held", "checkins_answered", "checkin_score_sum", "checkin_respondents"
    ):
        month = row["day"].replace(day=1)
        bucket = totals[month]
        bucket["held"] += row["sessions_held"]
        bucket["checkins"] += row["checkins_answered"]
        bucket["score"] += row["checkin_score_sum"]
        respondents[month].update(row["checkin_respondents"])
        month_ends[month] = max(month_ends.get(month, row["day"]), row["day"])
        active_on[row["day"]] += row["active_matches"]
    active_at = {month: active_on[end] for month, end in month_ends.items()}
    enrollments = analytics_rows(ParticipantFact, organization).filter(
        enrolled_at__gte=datetime.combine(first, time.min, tzinfo=UTC)
    )
    if filters.program_id:
        enrollments = enrollments.filter(program_id=filters.program_id)
    if filters.department:
        enrollments = enrollments.filter(department=filters.department)
    new: dict[date, int] = defaultdict(int)
    for enrolled_at in enrollments.values_list("enrolled_at", flat=True):
        new[enrolled_at.astimezone(UTC).date().replace(day=1)] += 1
    month = first
    while month <= last:
        bucket = totals.get(month, {})
        active = active_at.get(month, 0)
        checkins = bucket.get("checkins", 0)
        report.months.append(
            Month(
                month=month,
                active_matches=suppression.count(active, k),
                # Sessions are about the people of the active matches: shown when those are enough.
                sessions_held=suppression.figure(bucket.get("held", 0), active, k),
                new_enrollments=suppression.count(new.get(month, 0), k),
                checkin_average=suppression.figure(
                    round(bucket.get("score", 0) / checkins, 2) if checkins else None,
                    len(respondents.get(month, ())),
                    k,
                ),
            )
        )
        month = _months_back(month, -1)


def departments(report: HealthReport, rows: list[dict], match_rows: list[dict], k: int) -> None:
    """Each count column (enrolled, matched, active at 90 days) splits the funnel's stage of the same name
    (rule 2 across departments), and within a department each is a part of the one before (rule 3)."""
    mentees = [row for row in rows if row["role"] == MENTEE]
    by_department: dict[str, list[dict]] = defaultdict(list)
    for row in mentees:
        by_department[row["department"]].append(row)
    names = sorted(by_department)
    enrolled = {name: len(by_department[name]) for name in names}
    matched = {name: sum(1 for row in by_department[name] if row["matched_at"]) for name in names}
    active = {
        name: sum(1 for row in by_department[name] if row["matched_at"] and row["active_at_90_days"]) for name in names
    }
    hidden_enrolled = suppression.partition(enrolled, k)
    hidden_matched = suppression.partition(
        matched,
        k,
        hidden_already=[n for n in names if hidden_enrolled[n] or suppression.chain([enrolled[n], matched[n]], k)[1]],
    )
    hidden_active = suppression.partition(
        active,
        k,
        hidden_already=[n for n in names if hidden_matched[n] or suppression.chain([matched[n], active[n]], k)[1]],
    )
    matches_by_department: dict[str, list[dict]] = defaultdict(list)
    for row in match_rows:
        matches_by_department[row["department"]].append(row)
    for name in names:
        rates = [row["sessions_held"] / max(row["months_active"], 1.0) for row in matches_by_department.get(name, [])]
        report.departments.append(
            DepartmentRow(
                department=name,
                enrolled=suppression.count(enrolled[name], k, hidden=hidden_enrolled[name]),
                matched=suppression.count(matched[name], k, hidden=hidden_matched[name]),
                # The share gives its count away (share x matched): shown only with both.
                active_90=suppression.figure(
                    stats.percent(active[name], matched[name]),
                    matched[name],
                    k,
                    hidden=hidden_active[name] or hidden_matched[name],
                ),
                sessions_per_month=suppression.figure(
                    round(sum(rates) / len(rates), 2) if rates else None, len(rates), k, hidden=hidden_matched[name]
                ),
            )
        )


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return _months_back(month, -1) - timedelta(days=1)
