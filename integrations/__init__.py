"""Where people already work: Slack and Microsoft Teams apps (chat channels of the notices), and the outgoing
webhooks that deliver the outbox's domain events to an organization's own endpoints."""
