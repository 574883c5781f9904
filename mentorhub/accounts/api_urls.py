"""API of the accounts app under /api/v1/o/<org_slug>/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("employees", api.EmployeeViewSet, basename="api-employee")
router.register("roster-imports", api.RosterImportViewSet, basename="api-roster-import")

urlpatterns = [*router.urls]
