"""API of the accounts app under /api/v1/o/<org_slug>/."""

from rest_framework.routers import SimpleRouter

from .views.employees import EmployeeViewSet
from .views.members import InvitationViewSet, MemberViewSet
from .views.roster_imports import RosterImportViewSet

router = SimpleRouter(trailing_slash=True)
router.register("members", MemberViewSet, basename="api-member")
router.register("invitations", InvitationViewSet, basename="api-invitation")
router.register("employees", EmployeeViewSet, basename="api-employee")
router.register("roster-imports", RosterImportViewSet, basename="api-roster-import")

urlpatterns = [*router.urls]
