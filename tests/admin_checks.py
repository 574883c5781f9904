"""What every app's Django admin must do, checked the same way for each app (tests/<app>/test_admin.py):
every tenant model registered read-only with the organization as the first list filter, and a superuser's
changelist that lists both organizations' rows and filters them by organization."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import reverse

from tests.helpers import page_text


def assert_read_only_with_organization_first(model: Any) -> None:
    assert model in admin.site._registry, f"{model.__name__} is not in the admin"
    model_admin = admin.site._registry[model]
    assert model_admin.list_filter[0] == "organization", model.__name__
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def changelist_url(model: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def assert_changelist_filters_by_organization(client: Any, model: Any, org: Any, other_org: Any) -> str:
    """Both organizations' rows are listed, the organization filter is offered and narrows the list to one
    organization's rows. Returns the unfiltered page's text for further checks."""
    url = changelist_url(model)
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "By organization" in text and org.name in text and other_org.name in text
    assert response.context["cl"].result_count >= 2  # the rows made for it are listed
    filtered = client.get(url, {"organization__id__exact": org.pk})
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == model.objects.filter(organization=org).count() >= 1
    return text
