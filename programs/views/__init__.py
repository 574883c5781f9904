"""Pages of the programs app: member.py (enrollment), admin pages beside it."""
