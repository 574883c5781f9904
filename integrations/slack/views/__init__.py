"""The Slack app's pages (Settings -> Slack) and the addresses Slack calls (interactivity, events)."""
