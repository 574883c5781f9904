"""The Django admin of the matching app: every model is registered, read-only, filtered by organization
first, and a superuser opens each list and a row of it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from matching.models import ExcludedPair, MentorRequest
from tests.helpers import page_text

from .builders import make_match, make_run, page_cohort

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("matching").get_models())


@pytest.fixture
def rows(org, other_org):
    """In each organization: a run with a proposed pair (its members), an excluded pair, a mentor request."""
    for organization in (org, other_org):
        cohort = page_cohort(organization)
        mentor, mentee = cohort.mentors[0], cohort.mentees[0]
        make_match(cohort, make_run(cohort), mentor, [mentee])
        ExcludedPair.objects.create(
            organization=organization, program=cohort.program, mentor=mentor, mentee=mentee, reason="Declined"
        )
        MentorRequest.objects.create(
            organization=organization, program=cohort.program, mentee=cohort.mentees[1], mentor=mentor, score=0.6
        )


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
    url = reverse(f"admin:matching_{model._meta.model_name}_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "By organization" in text and org.name in text and other_org.name in text
    assert response.context["cl"].result_count >= 2
    filtered = superuser_client.get(url, {"organization__id__exact": org.pk})
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == model.objects.filter(organization=org).count() >= 1
    row = model.objects.filter(organization=org).first()
    assert (
        superuser_client.get(reverse(f"admin:matching_{model._meta.model_name}_change", args=[row.pk])).status_code
        == 200
    )
