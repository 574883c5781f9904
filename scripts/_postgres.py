"""What scripts/backup and scripts/restore share: the database URLs as settings read them (the environment,
then `.env` beside manage.py or DJANGO_ENV_FILE), handed to PostgreSQL's own tools through libpq's
environment variables, so a password never shows in the process list."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import environ
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
# django-environ's URL options that libpq also reads from its environment.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
}


def fail(message: str, code: int = 1) -> None:
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    sys.exit(code)


def read_env_file() -> None:
    """The same `.env` settings read (values already in the environment win)."""
    env_file = os.environ.get("DJANGO_ENV_FILE", str(ROOT / ".env"))
    if env_file and Path(env_file).is_file():
        environ.Env.read_env(env_file, overwrite=False)


def owner_url() -> str:
    """The tables' owner: only the owner (or a superuser) reads every organization's rows; the application role
    sees none of them under row-level security."""
    url = os.environ.get("DATABASE_OWNER_URL", "").strip() or os.environ.get("DATABASE_URL", "").strip()
    if not url:
        fail("set DATABASE_OWNER_URL (or DATABASE_URL) to the PostgreSQL database, as its owner.")
    return url


def config(url: str) -> dict[str, Any]:
    parsed = environ.Env.db_url_config(url)
    if "postgresql" not in parsed.get("ENGINE", ""):
        fail("backups are for PostgreSQL; the embedded SQLite database is one file under var/ (copy it).")
    return parsed


def libpq_env(parsed: dict[str, Any], database: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    values = {
        "PGHOST": parsed.get("HOST") or "",
        "PGPORT": str(parsed.get("PORT") or ""),
        "PGUSER": parsed.get("USER") or "",
        "PGPASSWORD": str(parsed.get("PASSWORD") or ""),
        "PGDATABASE": database or parsed["NAME"],
    }
    for option, variable in LIBPQ_OPTIONS.items():
        if option in parsed.get("OPTIONS", {}):
            values[variable] = str(parsed["OPTIONS"][option])
    env.update({key: value for key, value in values.items() if value})
    return env


def connect(parsed: dict[str, Any], database: str | None = None) -> Any:
    options = {k: v for k, v in parsed.get("OPTIONS", {}).items() if k in LIBPQ_OPTIONS}
    connection = psycopg2.connect(
        dbname=database or parsed["NAME"],
        user=parsed.get("USER") or None,
        password=parsed.get("PASSWORD") or None,
        host=parsed.get("HOST") or None,
        port=parsed.get("PORT") or None,
        **options,
    )
    connection.autocommit = True
    return connection


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        fail(f"{name} is not installed: install PostgreSQL's client programs (Debian: postgresql-client).")
    return str(path)


def tool_major(name: str) -> int:
    output = subprocess.run([tool(name), "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:
        fail(f"cannot read the version of {name}: {output.strip()}")
    return int(match.group(1))  # type: ignore[union-attr]


def server_major(connection: Any) -> int:
    return int(connection.server_version) // 10000


def run(command: list[str], env: dict[str, str], *, failed: str, quiet: bool = False) -> None:
    output = subprocess.DEVNULL if quiet else None
    result = subprocess.run(command, env=env, stdout=output, check=False)  # noqa: S603
    if result.returncode != 0:
        fail(f"{Path(command[0]).name} failed (exit {result.returncode}): {failed}")
