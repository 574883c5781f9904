"""The database's own wall between organizations (PostgreSQL row-level security), behind the ORM scoping of
mentorhub/tenancy.py. See docs/architecture.md, "Row-level security"."""
