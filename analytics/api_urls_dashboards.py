"""API: the figures behind the dashboards' charts."""

urlpatterns: list = []
