"""API: the figures behind the dashboards' charts, and recomputing them. Route names start with "api-";
a roll-up run is `rollup_pk` (matching runs own `run_pk`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api_dashboards import HealthView, ImpactView, RollupRunViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("analytics/rollups", RollupRunViewSet, basename="api-rollup-run")

urlpatterns = [
    path("analytics/health/", HealthView.as_view(), name="api-program-health"),
    path("analytics/impact/", ImpactView.as_view(), name="api-impact-report"),
    *router.urls,
]
