"""This app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from ProgramsConfig.ready()."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import (
    Kind,
    PersonalData,
    blanked,
    register_not_personal,
    register_personal_data,
    removed,
)

from .models import Participant, Program, Question, Skill, SkillRating

ENTRIES = (
    PersonalData(
        Participant,
        "Your enrollments and your answers to their forms",
        about=("employee",),
        context=("program", "role", "status", "created_at"),
        # The enrollment itself stays (role, status, dates): the programs' figures count it.
        fields=(blanked("answers", Kind.ANSWERS),),
    ),
    PersonalData(
        SkillRating,
        "How you rated your own skills",
        about=("participant__employee",),
        remove_for=("participant__employee",),
        context=("skill", "moment", "updated_at"),
        fields=(removed("level", Kind.ANSWERS),),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(
        Program,
        name="the program's name, for everyone in it",
        description="what the program is, written by an admin for everyone",
        eligible_departments="who may enroll: a setting",
        eligible_job_levels="who may enroll: a setting",
        eligible_locations="who may enroll: a setting",
        agreement_template="the agreement each match starts from, written by an admin for everyone",
    )
    register_not_personal(
        Question,
        help_text="the form's guidance, written by an admin for everyone",  # untranslated: privacy register
    )
    register_not_personal(
        Skill,
        name="a skill of the catalogue, set by an admin for everyone",
        description="what the skill is, written by an admin for everyone",
    )
