"""Pages of the accounts app. Organization pages live under /o/<org_slug>/ and use tenancy.org_view."""

from django.urls import path

from .views import home, roster

urlpatterns = [
    path("o/<slug:org_slug>/", home.org_home, name="org-home"),
    path("o/<slug:org_slug>/people/import/", roster.roster_import_new, name="roster-import-new"),
    path("o/<slug:org_slug>/people/import/template.csv", roster.roster_import_template, name="roster-import-template"),
    path("o/<slug:org_slug>/people/import/<int:import_pk>/", roster.roster_import_detail, name="roster-import-detail"),
    path(
        "o/<slug:org_slug>/people/import/<int:import_pk>/rerun/",
        roster.roster_import_rerun_view,
        name="roster-import-rerun",
    ),
]
