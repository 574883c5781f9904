"""What participants say and who takes part, for the impact report (analytics.reports.impact): the share
agreeing with each closing-survey impact statement and the NPS; participation by self-identified group
against everyone who shared the same attribute."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matching.models import MatchMember
from mentorhub.accounts.models import Employee, Organization

from .. import stats, suppression
from ..demographics import ATTRIBUTES
from ..models import SelfIdentification, SurveyQuestion, SurveyResponse
from ..question_sets import AGREE_FROM, CLOSING, IMPACT_CODES, STANDARD
from ..selectors import analytics_rows
from ..suppression import Figure

if TYPE_CHECKING:  # the report imports its parts
    from django_stubs_ext import StrOrPromise

    from .impact import ImpactFilters, ImpactReport


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
    label: StrOrPromise  # lazy: the report is cached for readers of every language
    answered_participants: Figure
    answered_organization: Figure
    rows: list[GroupShare]


def outcomes(report: ImpactReport, organization: Organization, filters: ImpactFilters, k: int) -> None:
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


def groups(report: ImpactReport, organization: Organization, participants: set[int], k: int) -> None:
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
                    stats.percent(counts_part[value], len(taking_part)),
                    counts_part[value],
                    k,
                    hidden=hidden_part[value],
                ),
                organization=suppression.figure(
                    stats.percent(counts_all[value], len(everyone)), counts_all[value], k, hidden=hidden_all[value]
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
