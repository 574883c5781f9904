"""API: surveys."""

urlpatterns: list = []
