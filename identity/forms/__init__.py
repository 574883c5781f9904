"""HTML forms of the identity pages, one module per concern (sso, groups)."""
