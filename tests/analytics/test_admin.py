"""The Django admin of the analytics app: every model is registered, read-only, filtered by organization
first, and never shows a survey answer or a self-identification value."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from analytics.models import SelfIdentification, SurveyResponse
from mentorhub.accounts.models import User
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
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, f"{model.__name__} is not in the admin"
        assert model_admin.list_filter[0] == "organization"
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_change_permission(None)
        assert not model_admin.has_delete_permission(None)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist_filtered_by_organization(superuser_client, org, other_org, rows, model):
    url = reverse(f"admin:analytics_{model._meta.model_name}_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "By organization" in text and org.name in text and other_org.name in text
    assert response.context["cl"].result_count >= 2  # the rows made for it are listed
    filtered = superuser_client.get(url, {"organization__id__exact": org.pk})
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == model.objects.filter(organization=org).count() >= 1


def test_answers_and_self_identification_values_are_never_shown(superuser_client, org, rows):
    for model in (SurveyResponse, SelfIdentification):
        row = model.objects.filter(organization=org).get()
        name = model._meta.model_name
        listing = superuser_client.get(reverse(f"admin:analytics_{name}_changelist"))
        detail = superuser_client.get(reverse(f"admin:analytics_{name}_change", args=[row.pk]))
        assert listing.status_code == detail.status_code == 200
        for text in (page_text(listing), page_text(detail)):
            assert "my secret answer" not in text and "my secret value" not in text
