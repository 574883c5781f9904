"""Every write of the integrations, one module per concern (docs/architecture.md: services)."""
