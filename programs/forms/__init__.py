"""HTML forms of the programs app, one module per concern: programs (wizard and settings), questions (the
enrollment form editor), participants (bulk invitations), enrollment (the enrollment form itself), and
common (what they share)."""
