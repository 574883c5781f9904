"""API viewsets of the accounts app, one module per concern: employees (the directory and the roster upload),
roster_imports, members (memberships and invitations)."""
