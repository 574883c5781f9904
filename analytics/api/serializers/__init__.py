"""Serializers of the analytics API, one module per concern: surveys and dashboards."""
