"""Pages of the accounts app. Organization pages live under /o/<org_slug>/ and use tenancy.org_view."""

from django.urls import path

from .views import home

urlpatterns = [
    path("o/<slug:org_slug>/", home.org_home, name="org-home"),
]
