"""Dashboards: program health and the impact report, their exports, roll-up runs."""

urlpatterns: list = []
