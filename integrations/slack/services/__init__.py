"""Every write of the Slack app, one module per concern (docs/architecture.md: services)."""
