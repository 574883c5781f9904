"""What every benchmark needs first: a database of its own on the server DATABASE_URL names, dropped and
created afresh (the previous run's is left for inspection until then)."""

from __future__ import annotations

from urllib.parse import unquote, urlparse


def recreate_database(url: str, name: str) -> str:
    """Drop and create the database `name` on the server of `url`; return the URL of that database."""
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
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
    return parts._replace(path=f"/{name}").geturl()
