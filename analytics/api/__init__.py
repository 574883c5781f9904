"""The analytics app's REST API under /api/v1/o/<org_slug>/: routes (urls), viewsets (views) and serializers,
one module per concern (surveys, dashboards)."""
