"""API of the accounts app under /api/v1/o/<org_slug>/."""

from rest_framework.routers import SimpleRouter

from . import api
from .views import members_api

router = SimpleRouter(trailing_slash=True)
router.register("members", members_api.MemberViewSet, basename="api-member")
router.register("invitations", members_api.InvitationViewSet, basename="api-invitation")
router.register("employees", api.EmployeeViewSet, basename="api-employee")
router.register("roster-imports", api.RosterImportViewSet, basename="api-roster-import")

urlpatterns = [*router.urls]
