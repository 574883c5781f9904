"""The programs REST API, mounted under /api/v1/o/<org_slug>/: urls, views (viewsets), serializers, and
mixins (program visibility and routes nested under programs/<program_pk>/, which the higher apps use)."""
