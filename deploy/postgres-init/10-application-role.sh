#!/bin/sh
# Run by the postgres image on its first start (empty data directory), as POSTGRES_USER, who owns the
# database and runs `migrate` (DATABASE_OWNER_URL). The web and worker processes connect as mentorhub_app
# (DATABASE_URL): not the owner, not a superuser, no BYPASSRLS, so row-level security applies to them.
# `migrate` grants it its rights on the tables. See docs/configuration.md, "Two database roles".
set -eu
: "${MENTORHUB_APP_DB_PASSWORD:?set MENTORHUB_APP_DB_PASSWORD in .env (the application role's password)}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$MENTORHUB_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE mentorhub_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'password';
SQL
