"""The Django admin of the accounts app: every model is registered; organizations and sign-ins are managed
there, everything else is read-only, filtered by organization first, and never shows a secret's hash."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from mentorhub.accounts.models import (
    ApiToken,
    AuditEvent,
    EmploymentEvent,
    Invitation,
    Organization,
    OutboxEvent,
    RosterImport,
    User,
)
from mentorhub.accounts.services.invitations import invitation_create
from mentorhub.accounts.services.tokens import api_token_create
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.factories import EmployeeFactory, MembershipFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("accounts").get_models())
# Managed in the admin: creating an organization, activating or deactivating a sign-in.
EDITABLE = {User, Organization}
TENANT_MODELS = [model for model in MODELS if model not in EDITABLE]


@pytest.fixture
def rows(org, other_org):
    """A row of every tenant model in each organization (the filter shows with two to choose from)."""
    for organization in (org, other_org):
        admin_membership = MembershipFactory(organization=organization, role="admin")
        employee = EmployeeFactory(organization=organization)
        EmploymentEvent.objects.create(
            organization=organization, employee=employee, kind="hired", occurred_on=date(2024, 1, 2)
        )
        RosterImport.objects.create(organization=organization, created_by=admin_membership.user, filename="a.csv")
        api_token_create(
            organization=organization, actor=admin_membership.user, membership=admin_membership, name="Sync"
        )
        invitation_create(
            organization=organization, actor=admin_membership.user, email="new@example.test", role="member"
        )
        OutboxEvent.objects.create(organization=organization, event_type="employee.created", data={"employee_id": 1})
    assert AuditEvent.objects.filter(organization=org).exists()


def test_every_model_is_registered_and_tenant_rows_are_read_only_with_organization_first():
    for model in MODELS:
        assert model in admin.site._registry, f"{model.__name__} is not in the admin"
    for model in TENANT_MODELS:
        assert_read_only_with_organization_first(model)
    assert admin.site._registry[User].list_filter[0] == "memberships__organization"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist(superuser_client, org, other_org, rows, model):
    url = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert org.name in text and other_org.name in text
    if model is Organization:
        return
    assert "By organization" in text
    assert response.context["cl"].result_count >= 2
    if model in TENANT_MODELS:
        assert_changelist_filters_by_organization(superuser_client, model, org, other_org)


def test_token_and_invitation_hashes_are_never_shown(superuser_client, org, rows):
    for model in (ApiToken, Invitation):
        row = model.objects.filter(organization=org).first()
        name = model._meta.model_name
        detail = superuser_client.get(reverse(f"admin:accounts_{name}_change", args=[row.pk]))
        assert detail.status_code == 200
        assert row.token_hash not in page_text(detail)
