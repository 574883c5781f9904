"""The participant's own skills self-ratings on their mentoring record (sessions/selectors/record.py): what they
rated themselves on the skills they wanted, at enrollment and at the close, and the change. Their own figures
only, never another person's and never free text: the record is what they may show their manager."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped
from programs.models import SkillRating
from sessions.extensions import RecordRow, RecordSection


def skills_record_section(organization: Organization, employee: Employee) -> list[RecordSection]:
    ratings = (
        scoped(SkillRating, organization)
        .filter(participant__employee=employee)
        .select_related("skill", "participant__program")
        .order_by("participant__program__name", "skill__name", "moment")
    )
    levels: dict[tuple[str, str], dict[str, int]] = {}
    for rating in ratings:
        levels.setdefault((rating.participant.program.name, rating.skill.name), {})[rating.moment] = rating.level
    rows = []
    for (program, skill), found in levels.items():
        start, end = found.get(SkillRating.Moment.ENROLLMENT), found.get(SkillRating.Moment.CLOSING)
        if start is not None and end is not None:
            value = f"{start} → {end} ({end - start:+d})"
        else:
            value = f"{start if start is not None else end} ({'at enrollment' if end is None else 'at the close'})"
        rows.append(RecordRow(label=f"{skill} ({program})", value=value))
    if not rows:
        return []
    intro = "Your own ratings, 1 = beginner to 5 = expert, when you enrolled and at the close."
    return [RecordSection(title=_("Skills self-ratings"), rows=tuple(rows), intro=intro)]
