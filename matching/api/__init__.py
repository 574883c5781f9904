"""The matching REST API, mounted under /api/v1/o/<org_slug>/: urls, views (viewsets) and serializers."""
