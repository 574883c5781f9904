"""Dashboards: program health and the impact report, their exports, roll-up runs."""

from django.urls import path

from .views.dashboards import health, impact

ORG = "o/<slug:org_slug>/analytics"

urlpatterns = [
    path(f"{ORG}/health/", health.program_health, name="program-health"),
    path(f"{ORG}/health/export/", health.program_health_export, name="program-health-export"),
    path(f"{ORG}/health/nudge/<int:match_pk>/", health.health_nudge, name="health-nudge"),
    path(f"{ORG}/rollups/", health.rollup_start, name="rollup-start"),
    path(f"{ORG}/rollups/<int:rollup_pk>/", health.rollup_run, name="rollup-run"),
    path(f"{ORG}/impact/", impact.impact_report_page, name="impact-report"),
    path(f"{ORG}/impact/export/", impact.impact_report_export, name="impact-report-export"),
]
