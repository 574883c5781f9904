"""Skills growth, for the impact report (analytics.reports.impact): how mentees' own ratings of the skills they
wanted (1 = beginner, 5 = expert) changed from enrollment to the close, per skill and overall.

- A change is one mentee's closing rating minus their enrollment rating of one skill (both given).
- Per skill: the mean change over the people who rated it twice, with its 95 % interval (stats.mean_interval);
  a person rating the same skill in two programs counts once, with the mean of their changes.
- Overall: each person's mean change over their skills, then the mean over people, so everyone weighs the same.
- Each figure is about its n people and passes suppression: fewer than k people, and it is "fewer than k".
Mentors rate nothing: with the report filtered to mentors, the section says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentorhub.accounts.models import Organization
from programs.models import SkillRating

from .. import stats, suppression
from ..selectors import analytics_rows
from ..suppression import Figure

if TYPE_CHECKING:  # the report imports its parts
    from .impact import ImpactFilters, ImpactReport


@dataclass
class SkillGrowth:
    skill_id: int
    name: str
    change: Figure  # (mean, lower, upper) in levels; n: people


def _rounded(values: tuple[float, float, float]) -> tuple[float | None, ...]:
    return tuple(None if value != value else round(value, 2) for value in values)  # nan: no interval


def skills_growth(report: ImpactReport, organization: Organization, filters: ImpactFilters, k: int) -> None:
    if filters.role == "mentor":
        return
    ratings = analytics_rows(SkillRating, organization)
    if filters.program_id:
        ratings = ratings.filter(participant__program_id=filters.program_id)
    given: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)  # (participant, skill) -> {moment: level}
    employee_of: dict[int, int] = {}
    names: dict[int, str] = {}
    for participant_id, employee_id, skill_id, name, moment, level in ratings.values_list(
        "participant_id", "participant__employee_id", "skill_id", "skill__name", "moment", "level"
    ):
        given[(participant_id, skill_id)][moment] = level
        employee_of[participant_id] = employee_id
        names[skill_id] = name
    # {skill: {employee: [changes]}}, then one value per person.
    changes: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (participant_id, skill_id), levels in given.items():
        if SkillRating.Moment.ENROLLMENT in levels and SkillRating.Moment.CLOSING in levels:
            change = levels[SkillRating.Moment.CLOSING] - levels[SkillRating.Moment.ENROLLMENT]
            changes[skill_id][employee_of[participant_id]].append(change)
    everyone: dict[int, list[float]] = defaultdict(list)
    for skill_id in sorted(changes, key=lambda pk: names.get(pk, "")):
        per_person = {employee: sum(values) / len(values) for employee, values in changes[skill_id].items()}
        for employee, value in per_person.items():
            everyone[employee].append(value)
        estimate = _rounded(stats.mean_interval(list(per_person.values())))
        report.skills.append(
            SkillGrowth(skill_id, names.get(skill_id, "?"), suppression.figure(estimate, len(per_person), k))
        )
    if everyone:
        overall = [sum(values) / len(values) for values in everyone.values()]
        report.skills_overall = suppression.figure(_rounded(stats.mean_interval(overall)), len(overall), k)
