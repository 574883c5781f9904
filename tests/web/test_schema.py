"""Schema generation: OrganizationScopedViewSet answers an empty queryset of `schema_model` without calling
the subclass's get_base_queryset (which reads the request organization that schema generation lacks)."""

from __future__ import annotations

from mentorhub.tenancy import OrganizationScopedViewSet
from mentorhub.web.schema import SERVICE_ERRORS, is_schema_generation
from programs.models import Program


class _Programs(OrganizationScopedViewSet):
    schema_model = Program

    def get_base_queryset(self):
        raise AssertionError("read the request organization during schema generation")


def test_schema_generation_uses_the_schema_model_only():
    view = _Programs()
    assert not is_schema_generation(view)
    view.swagger_fake_view = True
    assert is_schema_generation(view)
    queryset = view.get_queryset()
    assert queryset.model is Program
    assert queryset.query.is_empty()


def test_service_errors_response_is_documented():
    assert "Refused by the rules" in SERVICE_ERRORS.description
