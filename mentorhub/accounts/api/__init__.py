"""The accounts REST API, mounted under /api/v1/o/<org_slug>/: urls, views (employees, roster imports,
members and invitations), serializers, and schema (how drf-spectacular documents the API tokens).

The token authentication class is api/auth.py (named in settings.REST_FRAMEWORK)."""
