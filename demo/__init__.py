"""Demo data for `manage.py seed_demo`: above every app, calling their services; nothing in the product imports it.

One module per concern, run in this order: accounts (organizations, rosters, sign-ins), programs, matching,
sessions (six months of mentoring history), analytics (a past cohort, surveys, roster history, roll-ups).
"""
