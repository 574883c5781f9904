"""A mentee's own ratings of the skills they want (1 = beginner, 5 = expert), at enrollment and at the close:
the impact report's "skills growth" compares the two (analytics/reports/impact_skills.py)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from .. import selectors
from ..models import Participant, Program, SkillRating

M = SkillRating.Moment


def closing_ratings_open(participant: Participant) -> bool:
    """The closing ratings are asked once the mentoring has happened: a matched mentee of an active or closed
    program (the closing survey's moment)."""
    return participant.status == Participant.Status.MATCHED and participant.program.status in (
        Program.Status.ACTIVE,
        Program.Status.CLOSED,
    )


@transaction.atomic
def skill_ratings_save(
    *,
    organization: Organization,
    employee: Employee,
    participant_id: int,
    moment: str,
    levels: Mapping[int, int | None],
) -> int:
    """Save (or change) the person's levels at `moment` for skills of their own mentee enrollment; a skill
    left blank keeps no rating. Returns the ratings saved."""
    participant = selectors.own_mentee_enrollment(
        organization=organization, employee=employee, participant_id=participant_id
    )
    if moment not in M.values:
        raise ValidationError(_("Unknown moment."))
    if moment == M.CLOSING and not closing_ratings_open(participant):
        raise ValidationError(_("Closing ratings open once your mentoring is under way."))
    if participant.status in (Participant.Status.DECLINED, Participant.Status.WITHDRAWN):
        raise ValidationError(_("This enrollment is closed."))
    wanted = {skill.pk: skill for skill in selectors.wanted_skills(organization=organization, participant=participant)}
    errors: dict[str, list[str]] = {}
    for skill_id, level in levels.items():
        if skill_id not in wanted:
            errors[str(skill_id)] = ["Not one of the skills you want."]
        elif level is not None and (isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5):
            errors[str(skill_id)] = ["Choose a level from 1 (beginner) to 5 (expert)."]
    if errors:
        raise ValidationError(errors)
    saved = 0
    existing = {r.skill_id: r for r in scoped(SkillRating, organization).filter(participant=participant, moment=moment)}
    for skill_id, level in levels.items():
        rating = existing.get(skill_id)
        if level is None:
            if rating is not None:
                rating.delete()
            continue
        rating = rating or SkillRating(organization=organization, participant=participant, skill=wanted[skill_id])
        rating.moment, rating.level = moment, level
        rating.full_clean(validate_constraints=False)  # the unique row is this one (read above, same transaction)
        rating.save()
        saved += 1
    return saved
