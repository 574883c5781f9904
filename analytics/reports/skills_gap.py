"""The skills-gap map (HR admins and stakeholders): for each skill of the catalogue, how many mentees want it
against how many mentor places offer it, in the programs that are enrolling, matching or active, optionally
for one department and / or one location.

- Mentees wanting a skill: distinct people whose current mentee enrollment names it (programs/skills.py).
- Mentor places: the capacity (mentees they take on) of the mentor enrollments that offer it; a figure about
  the mentors offering, so it is shown only when they are at least the minimum group size (or none at all:
  "no mentor offers it" singles nobody out).
- Every figure passes analytics.suppression: a group smaller than k is "fewer than k", and a filtered view's
  figure is hidden when it differs from the whole organization's by fewer than k people (rule 4).
- The unmet demand (wanting minus places) is shown and highlighted only where both sides are shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mentorhub.accounts.models import Employee, Organization
from programs.models import Participant, Program, Question, Skill
from programs.selectors import ACTIVE_ENROLLMENT
from programs.skills import participant_skill_keys, skill_key

from .. import suppression
from ..selectors import analytics_rows
from ..suppression import Figure

OPEN_PROGRAMS = (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE)


@dataclass(frozen=True)
class GapFilters:
    department: str = ""
    location: str = ""

    @property
    def narrowed(self) -> bool:
        return bool(self.department or self.location)


@dataclass
class GapRow:
    skill_id: int
    name: str
    category: str
    mentees: Figure  # mentees wanting it
    places: Figure  # mentor places offering it (n: the mentors)
    unmet: int | None = None  # mentees minus places, when both are shown

    @property
    def gap(self) -> bool:
        return self.unmet is not None and self.unmet > 0

    def sentence(self) -> str:
        places = self.places.value if self.places.shown else None
        offer = (
            f"{places} mentor place{'s' if places != 1 else ''} offer it"
            if places is not None
            else f"{self.places.text()} mentors offer it"
        )
        return f"{self.mentees.value} mentees want {self.name}; {offer}."


@dataclass
class SkillsGap:
    k: int
    filters: GapFilters
    rows: list[GapRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[GapRow]:
        return sorted((row for row in self.rows if row.gap), key=lambda row: (-(row.unmet or 0), row.name))


@dataclass
class _Counts:
    mentees: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    mentors: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    places: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _counts(organization: Organization, filters: GapFilters) -> _Counts:
    people = analytics_rows(Employee, organization)
    if filters.department:
        people = people.filter(department=filters.department)
    if filters.location:
        people = people.filter(location=filters.location)
    enrollments = list(
        analytics_rows(Participant, organization)
        .filter(
            status__in=ACTIVE_ENROLLMENT,
            program__status__in=OPEN_PROGRAMS,
            employee_id__in=people.values("pk"),
        )
        .select_related("program")
        .only("employee_id", "role", "answers", "capacity", "program__default_mentor_capacity", "program_id")
    )
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in analytics_rows(Question, organization).filter(
        program_id__in={enrollment.program_id for enrollment in enrollments}
    ):
        questions[question.program_id].append(question)
    counts = _Counts()
    for enrollment in enrollments:
        for key in participant_skill_keys(enrollment, questions[enrollment.program_id]):
            if enrollment.role == Participant.Role.MENTEE:
                counts.mentees[key].add(enrollment.employee_id)
            else:
                counts.mentors[key].add(enrollment.employee_id)
                counts.places[key] += enrollment.capacity or enrollment.program.default_mentor_capacity
    return counts


def _places(counts: _Counts, key: str, k: int) -> Figure:
    mentors = len(counts.mentors.get(key, ()))
    if mentors == 0:
        return Figure(0, 0, "", k)  # about all mentors: none offers it
    return suppression.figure(counts.places.get(key, 0), mentors, k)


def skills_gap(*, organization: Organization, filters: GapFilters) -> SkillsGap:
    k = organization.min_group_size
    counts = _counts(organization, filters)
    whole = _counts(organization, GapFilters()) if filters.narrowed else None
    report = SkillsGap(k=k, filters=filters)
    skills = analytics_rows(Skill, organization).filter(active=True).order_by("category", "name")
    for skill in skills:
        key = skill_key(skill.name)
        mentees = suppression.count(len(counts.mentees.get(key, ())), k)
        places = _places(counts, key, k)
        if whole is not None:
            # Rule 4: the whole organization's figure minus this one must not reveal a small group.
            mentees = suppression.guarded(mentees, suppression.count(len(whole.mentees.get(key, ())), k))
            if places.n:
                places = suppression.guarded(places, _places(whole, key, k))
        row = GapRow(skill.pk, skill.name, skill.category, mentees, places)
        if mentees.shown and places.shown:
            row.unmet = mentees.value - places.value
        report.rows.append(row)
    return report
