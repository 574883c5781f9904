"""Program health, as HR admins (and, without the names, stakeholders) read it: the enrollment funnel, time
to match and to the first session, sessions per month against the program's cadence, goal completion,
satisfaction, check-in response rates, matches at risk, trends by month, and a breakdown by department.

Everything is read from the roll-up tables (analytics.services.rollups), so the page costs a handful of
small queries whatever the size of the organization, and every figure leaves here as a
suppression.Figure: pages, CSV exports and the API render these, never the raw counts.

Filters: one program or all, one department or all, a period (enrollment dates for the funnel, start dates
for matches, months for trends). A filtered view that would single out a small group is refused whole
(suppression rule 4), with the reason.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from matching.models import MatchMember
from mentorhub.accounts.models import Employee, Organization
from programs.models import Program
from programs.services import eligible_employees_q

from . import suppression
from .models import MatchFact, ParticipantFact, ProgramDay, SurveyAssignment
from .selectors import analytics_rows
from .services.rollups import rollup_version_key
from .suppression import Figure

MENTEE = "mentee"
TREND_MONTHS = 12
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class HealthFilters:
    program_id: int | None = None
    department: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def narrowed(self) -> bool:
        """Department or period: a part of the program's people (rule 4 applies)."""
        return bool(self.department or self.since or self.until)

    def key(self) -> str:
        return f"p{self.program_id or '-'}:d{self.department}:s{self.since or '-'}:u{self.until or '-'}"


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


@dataclass
class HealthReport:
    k: int
    filters: HealthFilters
    computed_at: datetime | None  # the roll-up these figures come from (None: never rolled up)
    refused: str = ""  # a filtered view that would single out a small group: why nothing is shown
    funnel: list[Stage] = field(default_factory=list)
    mentors: Figure | None = None
    days_to_match: Figure | None = None
    days_to_first_session: Figure | None = None
    sessions_per_month: Figure | None = None
    cadence: float | None = None
    goal_completion: Figure | None = None
    checkin_average: Figure | None = None
    rating_average: Figure | None = None
    checkin_response_rate: Figure | None = None
    at_risk_count: Figure | None = None
    at_risk: list[AtRisk] = field(default_factory=list)  # names: for HR admins only (the view decides)
    months: list[Month] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)


def health_report(*, organization: Organization, filters: HealthFilters, now: datetime | None = None) -> HealthReport:
    """The report for these filters, from the cache when the roll-up has not changed since."""
    version = cache.get(rollup_version_key(organization.pk), "none")
    key = f"analytics:health:o{organization.pk}:v{version}:k{organization.min_group_size}:{filters.key()}"
    report = cache.get(key)
    if report is None:
        report = build_health_report(organization=organization, filters=filters, now=now)
        cache.set(key, report, CACHE_SECONDS)
    return report


def build_health_report(
    *, organization: Organization, filters: HealthFilters, now: datetime | None = None, guard: bool = True
) -> HealthReport:
    """The report; with `guard`, its figures are also checked against every wider view (rule 4)."""
    now = now or timezone.now()
    k = organization.min_group_size
    facts = analytics_rows(ParticipantFact, organization)
    matches = analytics_rows(MatchFact, organization)
    if filters.program_id:
        facts, matches = facts.filter(program_id=filters.program_id), matches.filter(program_id=filters.program_id)
    computed = matches.order_by("-computed_at").values_list("computed_at", flat=True).first() or (
        facts.order_by("-computed_at").values_list("computed_at", flat=True).first()
    )
    report = HealthReport(k=k, filters=filters, computed_at=computed)
    whole = list(facts.values("role", "department", "enrolled_at", "matched_at", "first_session_at",
                              "active_at_90_days", "completed"))  # fmt: skip
    mine = [row for row in whole if _in_scope(row, filters)]
    if filters.narrowed and not suppression.filtered_view_allowed(len(mine), len(whole), k):
        report.refused = (
            f"This selection covers {('fewer than ' + str(k)) if len(mine) < k else 'too many of the'} people "
            f"of the program{'s' if not filters.program_id else ''}: showing it beside the whole would reveal a "
            f"group smaller than {k}. Choose a wider selection."
        )
        return report
    if guard:
        report.refused = _sibling_refusal(organization, filters, k)
        if report.refused:
            return report
    match_rows = [row for row in matches.values() if _match_in_scope(row, filters)]
    _funnel(report, organization, filters, mine, k)
    _timings(report, mine, k)
    _matches(report, organization, match_rows, k)
    _response_rate(report, organization, filters, now, k)
    _at_risk(report, organization, match_rows, k)
    _months(report, organization, filters, now, k)
    if not filters.department:
        _departments(report, mine, match_rows, k)
    if guard:
        _guard(
            report,
            [build_health_report(organization=organization, filters=f, now=now, guard=False) for f in _wider(filters)],
        )
    return report


def _in_scope(row: dict, filters: HealthFilters) -> bool:
    if filters.department and row["department"] != filters.department:
        return False
    day = row["enrolled_at"].astimezone(UTC).date()
    return not ((filters.since and day < filters.since) or (filters.until and day > filters.until))


def _match_in_scope(row: dict, filters: HealthFilters) -> bool:
    if filters.department and row["department"] != filters.department:
        return False
    if row["started_at"] is None:
        return False
    day = row["started_at"].astimezone(UTC).date()
    return not ((filters.since and day < filters.since) or (filters.until and day > filters.until))


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- Parts of the report ---------------------------------------------------------------------------------


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


def _funnel(report: HealthReport, organization: Organization, filters: HealthFilters, rows: list[dict], k: int) -> None:
    mentees = [row for row in rows if row["role"] == MENTEE]
    sizes = [
        ("Eligible", _eligible(organization, filters)),
        ("Enrolled as mentee", len(mentees)),
        ("Matched", sum(1 for row in mentees if row["matched_at"])),
        ("Had a first session", sum(1 for row in mentees if row["first_session_at"])),
        ("Active at 90 days", sum(1 for row in mentees if row["active_at_90_days"])),
        ("Completed", sum(1 for row in mentees if row["completed"])),
    ]
    reasons = suppression.chain([size for _, size in sizes], k)
    for index, ((label, size), reason) in enumerate(zip(sizes, reasons, strict=True)):
        share = None
        if index:
            before, before_reason = sizes[index - 1][1], reasons[index - 1]
            hidden = reason or before_reason  # a share of a hidden stage would give it away
            share = suppression.figure(_percent(size, before), size, k, hidden=hidden)
        report.funnel.append(Stage(label, suppression.count(size, k, hidden=reason), share))
    mentors = [row for row in rows if row["role"] != MENTEE]
    report.mentors = suppression.count(len(mentors), k)


def _timings(report: HealthReport, rows: list[dict], k: int) -> None:
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


def _matches(report: HealthReport, organization: Organization, rows: list[dict], k: int) -> None:
    started = [row for row in rows if row["started_at"] is not None]
    rates = [row["sessions_held"] / max(row["months_active"], 1.0) for row in started]
    report.sessions_per_month = suppression.figure(round(sum(rates) / len(rates), 2) if rates else None, len(rates), k)
    cadences = dict(analytics_rows(Program, organization).values_list("pk", "cadence_per_month"))
    used = [cadences.get(row["program_id"], 0) for row in started]
    report.cadence = round(sum(used) / len(used), 2) if used else None
    with_goals = [row for row in started if row["goals"]]
    goals, done = sum(row["goals"] for row in with_goals), sum(row["goals_done"] for row in with_goals)
    report.goal_completion = suppression.figure(_percent(done, goals), len(with_goals), k)
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


def _response_rate(
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
        _percent(figures["answered"], figures["asked"]), figures["people"], k
    )


def _at_risk(report: HealthReport, organization: Organization, rows: list[dict], k: int) -> None:
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


def _months(report: HealthReport, organization: Organization, filters: HealthFilters, now: datetime, k: int) -> None:
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


def _departments(report: HealthReport, rows: list[dict], match_rows: list[dict], k: int) -> None:
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
                    _percent(active[name], matched[name]),
                    matched[name],
                    k,
                    hidden=hidden_active[name] or hidden_matched[name],
                ),
                sessions_per_month=suppression.figure(
                    round(sum(rates) / len(rates), 2) if rates else None, len(rates), k, hidden=hidden_matched[name]
                ),
            )
        )


# --- Rule 4: a filtered view beside the wider views it narrows ----------------------------------------------


def _figures(report: HealthReport) -> dict[str, tuple[object, str]]:
    """Every figure of a report by a name that is the same in every view: {name: (holder, attribute)}."""
    found: dict[str, tuple[object, str]] = {}
    for name in (
        "mentors",
        "days_to_match",
        "days_to_first_session",
        "sessions_per_month",
        "goal_completion",
        "checkin_average",
        "rating_average",
        "checkin_response_rate",
        "at_risk_count",
    ):
        found[name] = (report, name)
    for stage in report.funnel:
        found[f"funnel:{stage.label}"] = (stage, "people")
        if stage.share_of_previous is not None:
            found[f"funnel:{stage.label}:share"] = (stage, "share_of_previous")
    for month in report.months:
        for attribute in ("active_matches", "sessions_held", "new_enrollments", "checkin_average"):
            found[f"month:{month.month}:{attribute}"] = (month, attribute)
    for row in report.departments:
        for attribute in ("enrolled", "matched", "active_90", "sessions_per_month"):
            found[f"department:{row.department}:{attribute}"] = (row, attribute)
    return found


def _guard(report: HealthReport, parents: list[HealthReport]) -> None:
    """Hide each figure whose group differs by fewer than k people from the same figure in a wider view."""
    mine = _figures(report)
    for parent in parents:
        theirs = _figures(parent)
        for name, (holder, attribute) in mine.items():
            if name in theirs:
                parent_holder, parent_attribute = theirs[name]
                child = getattr(holder, attribute)
                if child is not None:
                    setattr(holder, attribute, suppression.guarded(child, getattr(parent_holder, parent_attribute)))


def _wider(filters: HealthFilters) -> list[HealthFilters]:
    """Every view that drops one or more of these filters (all published too)."""
    active = [name for name in ("program_id", "department", "period") if _has(filters, name)]
    views = []
    for size in range(1, len(active) + 1):
        for dropped in combinations(active, size):
            views.append(
                HealthFilters(
                    program_id=None if "program_id" in dropped else filters.program_id,
                    department="" if "department" in dropped else filters.department,
                    since=None if "period" in dropped else filters.since,
                    until=None if "period" in dropped else filters.until,
                )
            )
    return views


def _period_of(moment: datetime, quarterly: bool) -> str:
    day = moment.astimezone(UTC).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if quarterly else str(day.year)


def _sibling_refusal(organization: Organization, filters: HealthFilters, k: int) -> str:
    """Rule 2 across views: a department, program or period is shown alone only if the breakdown along that
    dimension (with the other filters kept) would show it too. Otherwise the whole minus its siblings' views
    would give away the group its own view hides. Mentees, mentors and matches are each checked. Returns the
    reason for refusing, or ""."""
    people = list(
        analytics_rows(ParticipantFact, organization).values("program_id", "role", "department", "enrolled_at")
    )
    matches = list(analytics_rows(MatchFact, organization).values("program_id", "department", "started_at"))
    for row in matches:
        row["role"], row["enrolled_at"] = "match", row["started_at"]
    matches = [row for row in matches if row["started_at"] is not None]
    quarterly = bool(filters.since and filters.until and (filters.until - filters.since).days < 100)
    dimensions = {
        "program": (filters.program_id, lambda row: row["program_id"], "program"),
        "department": (filters.department, lambda row: row["department"], "department"),
        "period": (
            _period_of(datetime.combine(filters.since, time.min, tzinfo=UTC), quarterly) if filters.since else None,
            lambda row: _period_of(row["enrolled_at"], quarterly),
            "period",
        ),
    }
    for name, (value, key_of, label) in dimensions.items():
        if not value:
            continue
        others = HealthFilters(
            program_id=None if name == "program" else filters.program_id,
            department="" if name == "department" else filters.department,
            # A quarter's siblings are the quarters of its year; a year's, the other years.
            since=filters.since.replace(month=1, day=1) if name == "period" and quarterly else None,
            until=filters.since.replace(month=12, day=31) if name == "period" and quarterly else None,
        )
        if name != "period":
            others = HealthFilters(others.program_id, others.department, filters.since, filters.until)
        scope = [row for row in [*people, *matches] if _sibling_scope(row, others)]
        for role in ("mentee", "mentor", "match"):
            counts: dict[object, int] = defaultdict(int)
            for row in scope:
                if row["role"] == role:
                    counts[key_of(row)] += 1
            if value in counts and suppression.partition(counts, k)[value]:
                return (
                    f"This {label} is too small to be shown on its own: beside the other {label}s' figures it "
                    f"would reveal a group smaller than {k}. Choose a wider selection."
                )
    return ""


def _sibling_scope(row: dict, filters: HealthFilters) -> bool:
    if filters.program_id and row["program_id"] != filters.program_id:
        return False
    if filters.department and row["department"] != filters.department:
        return False
    day = row["enrolled_at"].astimezone(UTC).date()
    return not ((filters.since and day < filters.since) or (filters.until and day > filters.until))


def _has(filters: HealthFilters, name: str) -> bool:
    if name == "period":
        return bool(filters.since or filters.until)
    return bool(getattr(filters, name))


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return _months_back(month, -1) - timedelta(days=1)
