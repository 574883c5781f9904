"""This app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from AnalyticsConfig.ready(), and what follows an erasure here: the organization's
roll-ups are recomputed, so the dashboards read the erased data no more (the counts stay: the rows stay)."""

from __future__ import annotations

from typing import Any

from mentorhub.accounts.models import Employee, Organization
from mentorhub.accounts.privacy.registry import (
    Erasure,
    Kind,
    Person,
    PersonalData,
    PersonalField,
    register_erasure_follower,
    register_not_personal,
    register_personal_data,
    removed,
)

from .models import MatchFact, ParticipantFact, SelfIdentification, SurveyResponse
from .services.rollups import rollup_run_start


def scores_only(answers: Any, person: Person) -> Any:
    """A survey response's scores (numbers: they feed the averages and the NPS), without its comments (text)."""
    if not isinstance(answers, dict):
        return answers
    return {key: value for key, value in answers.items() if not isinstance(value, str)}


ENTRIES = (
    PersonalData(
        SurveyResponse,
        "Your survey answers (check-ins and closing surveys)",
        about=("assignment__respondent",),
        context=("survey", "submitted_at"),
        fields=(
            PersonalField(
                "answers",
                Kind.ANSWERS,
                Erasure.TRANSFORM,
                transform=scores_only,
                private_to="assignment__respondent",
            ),
        ),
    ),
    PersonalData(
        SelfIdentification,
        "What you chose to share about yourself",
        about=("employee",),
        remove_for=("employee",),
        context=("updated_at",),
        fields=(removed("attribute", Kind.SPECIAL), removed("value", Kind.SPECIAL)),
    ),
)


def recompute_after_erasure(organization: Organization, employee: Employee) -> None:
    # No actor: the erasure's own audit entry says who; a second entry would only repeat it.
    rollup_run_start(organization=organization, actor=None)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_erasure_follower(recompute_after_erasure)
    register_not_personal(
        ParticipantFact,
        role="a copy of the enrollment's role, recomputed by the roll-up",
        department="a copy of the roster's department (kept on erasure), recomputed by the roll-up",
    )
    register_not_personal(MatchFact, at_risk_reason="why a match is at risk: system text from its figures")
