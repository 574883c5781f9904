"""The Django admin of the analytics app: every model is registered, read-only, filtered by organization
first, and never shows a survey answer or a self-identification value."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from analytics.models import SelfIdentification, SurveyResponse
from mentorhub.accounts.models import User
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.helpers import page_text

from .factories import (
    MatchFactFactory,
    ParticipantFactFactory,
    ProgramDayFactory,
    RollupRunFactory,
    SelfIdentificationFactory,
    SurveyQuestionFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("analytics").get_models())


@pytest.fixture
def superuser_client() -> Client:
    user = User.objects.create_superuser(email="operator@example.com", password="correct-horse-battery-staple")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows(org, other_org):
    """A row of every model in each organization (the organization filter shows with two to choose from)."""
    for organization in (org, other_org):
        SurveyQuestionFactory(survey__organization=organization, prompt="Did the kick-off help?")
        SurveyResponseFactory(assignment__survey__organization=organization, answers={"1": "my secret answer"})
        SelfIdentificationFactory(organization=organization, attribute="disability", value="my secret value")
        ParticipantFactFactory(participant__program__organization=organization)
        MatchFactFactory(match__organization=organization)
        ProgramDayFactory(organization=organization)
        RollupRunFactory(organization=organization)


def test_every_model_is_registered_read_only_with_organization_first():
    for model in MODELS:
        assert_read_only_with_organization_first(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist_filtered_by_organization(superuser_client, org, other_org, rows, model):
    assert_changelist_filters_by_organization(superuser_client, model, org, other_org)


def test_answers_and_self_identification_values_are_never_shown(superuser_client, org, rows):
    for model in (SurveyResponse, SelfIdentification):
        row = model.objects.filter(organization=org).get()
        name = model._meta.model_name
        listing = superuser_client.get(reverse(f"admin:analytics_{name}_changelist"))
        detail = superuser_client.get(reverse(f"admin:analytics_{name}_change", args=[row.pk]))
        assert listing.status_code == detail.status_code == 200
        for text in (page_text(listing), page_text(detail)):
            assert "my secret answer" not in text and "my secret value" not in text
