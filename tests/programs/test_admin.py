"""The Django admin of the programs app: every model is registered, read-only, filtered by organization
first, and never shows a participant's answers."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from identity.models import EmployeeGroup
from programs.models import Participant, ProgramAudienceGroup, Skill, SkillRating
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.helpers import page_text

from .factories import ParticipantFactory, QuestionFactory

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("programs").get_models())


@pytest.fixture
def rows(org, other_org):
    """A program with a question, a participant, an audience group, a skill and a rating in each organization."""
    for organization in (org, other_org):
        question = QuestionFactory(program__organization=organization)
        participant = ParticipantFactory(program=question.program, answers={str(question.pk): "my private answer"})
        skill = Skill.objects.create(organization=organization, name="Negotiation")
        SkillRating.objects.create(
            organization=organization, participant=participant, skill=skill, moment="enrollment", level=2
        )
        group = EmployeeGroup.objects.create(organization=organization, display_name="Veterans Network")
        ProgramAudienceGroup.objects.create(organization=organization, program=question.program, group=group)


def test_every_model_is_registered_read_only_with_organization_first():
    for model in MODELS:
        assert_read_only_with_organization_first(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist_filtered_by_organization(superuser_client, org, other_org, rows, model):
    assert_changelist_filters_by_organization(superuser_client, model, org, other_org)


def test_answers_are_never_shown(superuser_client, org, rows):
    participant = Participant.objects.filter(organization=org).get()
    listing = superuser_client.get(reverse("admin:programs_participant_changelist"))
    detail = superuser_client.get(reverse("admin:programs_participant_change", args=[participant.pk]))
    assert listing.status_code == detail.status_code == 200
    for text in (page_text(listing), page_text(detail)):
        assert "my private answer" not in text
