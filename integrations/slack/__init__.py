"""The Slack app (docs/integrations.md, Slack): installed per organization through Slack's OAuth v2 flow, people
linked to their Slack user by email, notices sent as direct messages with buttons, and the buttons answered
through the same services as the web pages."""
