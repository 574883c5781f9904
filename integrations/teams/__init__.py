"""The Microsoft Teams app: a Bot Framework bot that sends people their notices as Adaptive Cards and acts on
their answers through the same services as the web pages (docs/integrations.md, Microsoft Teams)."""
