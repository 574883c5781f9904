"""API of the analytics app under /api/v1/o/<org_slug>/: surveys (participants and admins) and the figures
behind every chart (admins and stakeholders)."""

from .api_urls_dashboards import urlpatterns as dashboard_urlpatterns
from .api_urls_surveys import urlpatterns as survey_urlpatterns

urlpatterns = [*survey_urlpatterns, *dashboard_urlpatterns]
