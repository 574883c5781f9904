"""Pages of the sessions app, one module per area."""
