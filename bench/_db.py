"""What every benchmark needs first: a database of its own, named by DATABASE_URL, created afresh.

The database is the one DATABASE_URL names (or the benchmark's default name when the URL names none). A benchmark
drops only a database that a benchmark created: one whose comment says so, or whose name starts with `mh_bench`.
Any other existing database is refused with a message, so a URL pointing at real data never loses it. The drop
is a plain DROP DATABASE, never WITH (FORCE): a database still in use (another run of the same benchmark on a
shared server) stops this run with PostgreSQL's "being accessed by other users" instead of cutting the other
run off. The previous run's database is left for inspection until the next run.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import unquote, urlparse

BENCH_PREFIX = "mh_bench"
COMMENT = "created by a MentorHub benchmark (bench/); dropped by the next run"


def database_url(default_name: str) -> str:
    """DATABASE_URL with the database named (`default_name` when the URL names none); exits without one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server and database, e.g. "
            f"postgres://postgres@127.0.0.1:5432/{default_name}; the benchmark creates that database."
        )
    parts = urlparse(url)
    if parts.path.strip("/") == "":
        parts = parts._replace(path=f"/{default_name}")
    return parts.geturl()


def database_name(url: str) -> str:
    return unquote(urlparse(url).path.strip("/"))


def _server(url: str):
    import psycopg2

    parts = urlparse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=parts.hostname or None,
        port=parts.port or None,
    )
    connection.autocommit = True
    return connection


def database_exists(url: str) -> bool:
    connection = _server(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)])
        found = cursor.fetchone() is not None
    connection.close()
    return found


def recreate_database(url: str, default_name: str = "") -> str:
    """Create the database `url` names (`default_name` when it names none), dropping it first only when a
    benchmark created it; return the URL of that database."""
    from psycopg2 import sql

    if default_name and not database_name(url):
        url = urlparse(url)._replace(path=f"/{default_name}").geturl()
    name = database_name(url)
    if not name:
        sys.exit("DATABASE_URL names no database: name the one the benchmark may create, e.g. .../mh_bench.")
    connection = _server(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
        if row is not None:
            if row[0] != COMMENT and not name.startswith(BENCH_PREFIX):
                connection.close()
                sys.exit(
                    f"Database {name!r} exists and no benchmark created it: the benchmark will not drop it. "
                    f"Name another database in DATABASE_URL (e.g. {BENCH_PREFIX}_...), or drop this one yourself."
                )
            cursor.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(COMMENT)))
    connection.close()
    return url


def ensure_role(url: str, role: str) -> None:
    """Create `role` (no login, no superuser, row-level security enforced) on the server when it is missing."""
    from psycopg2 import sql

    connection = _server(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS").format(sql.Identifier(role)))
    connection.close()


def analyze(url: str) -> None:
    """Fresh planner statistics for every table of the database `url` names, as autovacuum keeps them in
    production: a freshly seeded database has none, and some plans are then nested loops over whole tables."""
    import psycopg2

    parts = urlparse(url)
    connection = psycopg2.connect(
        dbname=database_name(url),
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=parts.hostname or None,
        port=parts.port or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
