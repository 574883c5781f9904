"""API of the accounts app under /api/v1/o/<org_slug>/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)

urlpatterns = [*router.urls]
