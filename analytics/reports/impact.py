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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date
from secrets import randbits
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from mentorhub.accounts.models import Employee, Organization
from programs.models import Participant
from sessions.models import FlashBooking, FlashSlot

from .. import suppression
from ..models import ParticipantFact, SurveyResponse
from ..question_sets import CLOSING
from ..selectors import analytics_rows
from ..services.rollups import rollup_version_key
from ..suppression import Figure
from . import impact_outcomes, impact_retention, impact_skills
from .impact_controls import History, match_controls
from .impact_outcomes import AttributeTable, Outcome
from .impact_retention import Promotions, Retention
from .impact_skills import SkillGrowth

ROLES = ("all", "mentee", "mentor")
# Until after the next nightly roll-up, which makes these figures stale (a new version) and warms the default
# views again (analytics/reports/builds.py).
CACHE_SECONDS = 26 * 60 * 60


@dataclass(frozen=True)
class ImpactFilters:
    program_id: int | None = None
    role: str = "all"

    def key(self) -> str:
        return f"p{self.program_id or '-'}:r{self.role}"


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
    skills: list[SkillGrowth] = field(default_factory=list)  # skills growth: mentees' own ratings, per skill
    skills_overall: Figure | None = None
    note: str = ""
    refused: str = ""  # why this selection is not shown on its own (every figure hidden then)
    # Drawn per build: what is rendered from this report is cached under it (analytics/reports/rendered.py).
    build_id: int = field(default_factory=lambda: randbits(62), compare=False)


def impact_cache_key(organization: Organization, filters: ImpactFilters) -> str:
    """The cached report of these filters, as of the organization's latest roll-up and minimum group size."""
    version = cache.get(rollup_version_key(organization.pk), "none")
    return f"analytics:impact:o{organization.pk}:v{version}:k{organization.min_group_size}:{filters.key()}"


def report_day() -> date:
    """The day a cached report is as of: the UTC date it is built, so one build serves every viewer, whatever
    their time zone (the figures themselves are as of the roll-up)."""
    return timezone.now().astimezone(UTC).date()


def impact_report(*, organization: Organization, filters: ImpactFilters) -> ImpactReport:
    """The report from the cache, or built now and cached. Built in this process: pages and the API go through
    analytics.reports.builds instead, where a miss is built by a task."""
    key = impact_cache_key(organization, filters)
    report = cache.get(key)
    if report is None:
        report = build_impact_report(organization=organization, filters=filters, today=report_day())
        cache.set(key, report, CACHE_SECONDS)
    return report


def _participants(organization: Organization, filters: ImpactFilters) -> dict[int, date]:
    """{employee id: index date} of everyone whose match started, or who held a flash session (in the filters)."""
    facts = analytics_rows(ParticipantFact, organization).filter(matched_at__isnull=False)
    if filters.program_id:
        facts = facts.filter(program_id=filters.program_id)
    if filters.role != "all":
        facts = facts.filter(role=filters.role)
    # Flash mentoring takers in the same query (a UNION ALL): the report's query count does not grow.
    rows = facts.order_by().values_list("employee_id", "matched_at")
    flash = _flash_takers(organization, filters)
    if flash:
        rows = rows.union(*flash, all=True)
    index: dict[int, date] = {}
    for employee_id, matched_at in rows:
        day = matched_at.date()
        if employee_id not in index or day < index[employee_id]:
            index[employee_id] = day
    return index


def _flash_takers(organization: Organization, filters: ImpactFilters) -> list[QuerySet]:
    """(employee id, start) of flash mentoring sessions held (booked, not cancelled, started): a booker takes
    part as a mentee, the host as a mentor, from their first such session (there is no match)."""
    held = analytics_rows(FlashBooking, organization).filter(
        status=FlashBooking.Status.BOOKED, slot__status=FlashSlot.Status.OPEN, slot__starts_at__lte=timezone.now()
    )
    if filters.program_id:
        held = held.filter(program_id=filters.program_id)
    held = held.order_by()
    parts = []
    if filters.role in ("all", "mentee"):
        parts.append(held.values_list("participant__employee_id", "slot__starts_at"))
    if filters.role in ("all", "mentor"):
        parts.append(held.values_list("slot__host__employee_id", "slot__starts_at"))
    return parts


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
    pairs = match_controls(organization, index, employees, history, ever_enrolled)
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
        report.retention = impact_retention.retention(treated, controls, employees, today, k)
        report.promotions = impact_retention.promotions(treated, controls, employees, history, today, k)
    else:
        report.note = suppression.Sentence(
            gettext_noop(
                "Fewer than %(k)s participants (or comparable colleagues) yet: retention and promotions appear once "
                "there are enough people on both sides."
            ),
            k=k,
        )
    impact_outcomes.outcomes(report, organization, filters, k)
    impact_outcomes.groups(report, organization, set(index), k)
    impact_skills.skills_growth(report, organization, filters, k)
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
    found["skills:overall"] = (report, "skills_overall")
    for growth in report.skills:
        found[f"skill:{growth.skill_id}"] = (growth, "change")
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
    checks: list[tuple[str, object, Callable[[Any, str], object], object, str]] = []
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
                return suppression.Sentence(
                    gettext_noop(
                        "This program is too small to be shown on its own: beside the others' figures it would "
                        "reveal a group smaller than %(k)s. Choose a wider selection."
                    )
                    if label == "program"
                    else gettext_noop(
                        "This group (mentees or mentors) is too small to be shown on its own: beside the others' "
                        "figures it would reveal a group smaller than %(k)s. Choose a wider selection."
                    ),
                    k=k,
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
