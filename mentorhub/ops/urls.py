"""The operator's routes. The operator endpoints middleware answers them first (mentorhub/ops/endpoints.py);
these routes give them their names and their rows in the role matrix."""

from django.urls import path

from .health import healthz, readyz
from .metrics.exposition import metrics_view

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
