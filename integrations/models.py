"""The integrations' data: one module per integration, imported here so Django finds the models."""
