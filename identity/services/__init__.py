"""Every write of the identity app, one module per concern (import from the module)."""
