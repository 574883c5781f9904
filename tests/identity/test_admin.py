"""The Django admin of the identity app: every model registered read-only, filtered by organization first;
the stored client secret and the IdP metadata document are never shown."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from identity.models import (
    ClaimedDomain,
    EmployeeGroup,
    EmployeeGroupMember,
    ScimUser,
    SsoConnection,
    SsoSignInAttempt,
)
from identity.services.sso import sso_connection_update
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.factories import EmployeeFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("identity").get_models())
SECRET = "never-shown-in-the-admin"


@pytest.fixture
def rows(org, other_org):
    for organization in (org, other_org):
        sso_connection_update(
            organization=organization,
            actor=None,
            oidc_issuer="https://idp.example.test",
            oidc_client_id="client",
            client_secret=SECRET,
        )
        ClaimedDomain.objects.create(organization=organization, domain=f"{organization.slug}.example")
        SsoSignInAttempt.objects.create(organization=organization, protocol="oidc", outcome="refused")
        employee = EmployeeFactory(organization=organization)
        ScimUser.objects.create(organization=organization, employee=employee, user_name=employee.email)
        group = EmployeeGroup.objects.create(organization=organization, display_name="Veterans")
        EmployeeGroupMember.objects.create(organization=organization, group=group, employee=employee)


def test_every_model_is_registered_read_only_with_organization_first():
    assert {model.__name__ for model in MODELS} >= {"SsoConnection", "ClaimedDomain", "EmployeeGroup"}
    for model in MODELS:
        assert_read_only_with_organization_first(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist(superuser_client, org, other_org, rows, model):
    assert_changelist_filters_by_organization(superuser_client, model, org, other_org)


def test_the_client_secret_is_never_shown(superuser_client, org, rows):
    connection = SsoConnection.objects.get(organization=org)
    detail = superuser_client.get(reverse("admin:identity_ssoconnection_change", args=[connection.pk]))
    assert detail.status_code == 200
    text = page_text(detail)
    assert SECRET not in text and connection.oidc_client_secret_encrypted not in text
    assert "https://idp.example.test" in text
