"""The Teams app's writes: installation (the settings page), linking (people who talk to the bot), delivery
(cards for notices) and actions (a card's button acting through the web pages' services)."""
