"""The SCIM 2.0 server, mounted at /scim/v2/o/<org_slug>/ (being built)."""

urlpatterns: list = []
