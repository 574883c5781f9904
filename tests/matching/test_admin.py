"""The Django admin of the matching app: every model is registered, read-only, filtered by organization
first, and a superuser opens each list and a row of it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from matching.models import ExcludedPair, MentorRequest
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first

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
        assert_read_only_with_organization_first(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist_filtered_by_organization(superuser_client, org, other_org, rows, model):
    assert_changelist_filters_by_organization(superuser_client, model, org, other_org)
    row = model.objects.filter(organization=org).first()
    assert (
        superuser_client.get(reverse(f"admin:matching_{model._meta.model_name}_change", args=[row.pk])).status_code
        == 200
    )
