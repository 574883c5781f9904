"""Program health, as HR admins (and, without the names, stakeholders) read it: the enrollment funnel, time
to match and to the first session, sessions per month against the program's cadence, goal completion,
satisfaction, check-in response rates, matches at risk, trends by month, and a breakdown by department.

Everything is read from the roll-up tables (analytics.services.rollups), so the page costs a handful of
small queries whatever the size of the organization, and every figure leaves here as a
suppression.Figure: pages, CSV exports and the API render these, never the raw counts.

Filters: one program or all, one department or all, a period (enrollment dates for the funnel, start dates
for matches, months for trends). A filtered view that would single out a small group is refused whole
(suppression rule 4), with the reason. The report's sections are computed in health_sections; this module
builds the report from them and guards it against the wider views.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from itertools import combinations
from secrets import randbits

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_noop

from mentorhub.accounts.models import Organization
from programs.models import Program

from .. import suppression
from ..models import MatchFact, ParticipantFact
from ..selectors import analytics_rows
from ..services.rollups import rollup_version_key
from ..suppression import Figure
from . import health_sections as sections
from .health_flash import FlashHealth, flash_health
from .health_sections import AtRisk, DepartmentRow, Month, Stage

# Until after the next nightly roll-up, which makes these figures stale (a new version) and warms the default
# views again (analytics/reports/builds.py).
CACHE_SECONDS = 26 * 60 * 60


# A narrowed selection refused whole: (fewer than k people?, one program?) -> the sentence.
_NARROW = {
    (True, True): gettext_noop(
        "This selection covers fewer than %(k)s people of the program: showing it beside the whole would reveal a "
        "group smaller than %(k)s. Choose a wider selection."
    ),
    (True, False): gettext_noop(
        "This selection covers fewer than %(k)s people of the programs: showing it beside the whole would reveal "
        "a group smaller than %(k)s. Choose a wider selection."
    ),
    (False, True): gettext_noop(
        "This selection covers too many of the people of the program: showing it beside the whole would reveal a "
        "group smaller than %(k)s. Choose a wider selection."
    ),
    (False, False): gettext_noop(
        "This selection covers too many of the people of the programs: showing it beside the whole would reveal a "
        "group smaller than %(k)s. Choose a wider selection."
    ),
}


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
    fit_rate: Figure | None = None  # percent "yes" to "Is this a good match for you?" (the pairing-fit check)
    checkin_response_rate: Figure | None = None
    at_risk_count: Figure | None = None
    at_risk: list[AtRisk] = field(default_factory=list)  # names: for HR admins only (the view decides)
    months: list[Month] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    flash: FlashHealth | None = None  # a flash mentoring program's bookings (whole program views only)
    # Drawn per build: what is rendered from this report is cached under it (analytics/reports/rendered.py).
    build_id: int = field(default_factory=lambda: randbits(62), compare=False)


def health_cache_key(organization: Organization, filters: HealthFilters) -> str:
    """The cached report of these filters, as of the organization's latest roll-up and minimum group size."""
    version = cache.get(rollup_version_key(organization.pk), "none")
    return f"analytics:health:o{organization.pk}:v{version}:k{organization.min_group_size}:{filters.key()}"


def health_report(*, organization: Organization, filters: HealthFilters, now: datetime | None = None) -> HealthReport:
    """The report for these filters, from the cache when the roll-up has not changed since, or built now and
    cached. Built in this process: pages and the API go through analytics.reports.builds instead, where a miss
    is built by a task."""
    key = health_cache_key(organization, filters)
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
        report.refused = suppression.Sentence(_NARROW[len(mine) < k, bool(filters.program_id)], k=k)
        return report
    if guard:
        report.refused = _sibling_refusal(organization, filters, k)
        if report.refused:
            return report
    match_rows = [row for row in matches.values() if _match_in_scope(row, filters)]
    sections.funnel(report, organization, filters, mine, k)
    sections.timings(report, mine, k)
    sections.matches(report, organization, match_rows, k)
    sections.fit(report, organization, match_rows, k)
    sections.response_rate(report, organization, filters, now, k)
    sections.at_risk(report, organization, match_rows, k)
    sections.months(report, organization, filters, now, k)
    if not filters.department:
        sections.departments(report, mine, match_rows, k)
    if filters.program_id and not filters.narrowed:
        flash = analytics_rows(Program, organization).filter(pk=filters.program_id, kind=Program.Kind.FLASH).first()
        if flash is not None:
            report.flash = flash_health(organization=organization, program=flash, now=now, k=k)
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
        "fit_rate",
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
            since=filters.since.replace(month=1, day=1) if name == "period" and quarterly and filters.since else None,
            until=filters.since.replace(month=12, day=31) if name == "period" and quarterly and filters.since else None,
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
                return suppression.Sentence(suppression.TOO_SMALL[label], k=k)
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
