"""Pages of the analytics app, under /o/<org_slug>/: the participants' side (check-ins, the closing survey,
what they choose to share about themselves) and the dashboards (program health, the impact report)."""

from .urls_dashboards import urlpatterns as dashboard_urlpatterns
from .urls_participants import urlpatterns as participant_urlpatterns

urlpatterns = [*participant_urlpatterns, *dashboard_urlpatterns]
