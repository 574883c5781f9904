"""Deployment contract: production refuses to start without its secrets and passes Django's deploy check
with them; the embedded default really is embedded; docker-compose.yml, Dockerfile and the documented
variables stay in step with mentorhub/settings.py.

Settings are read once per process, so every case runs in a fresh `python` subprocess with a controlled
environment (no `.env`, nothing inherited that could change the outcome).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# Inherited variables that would change what settings decide; everything else (PATH, HOME) passes through.
CONTROLLED = re.compile(
    r"^(DJANGO_.*|DATABASE_.*|REDIS_URL|EMAIL_URL|CELERY_.*|CACHE_KEY_PREFIX|PYTEST_XDIST_WORKER|MEDIA_ROOT|"
    r"STATIC_ROOT|ACCOUNT_EMAIL_VERIFICATION|LOG_LEVEL)$"
)

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "mentorhub.example.com",
    # Nothing connects during these checks; the URLs only have to be well-formed.
    "DATABASE_URL": "postgres://mentorhub:pw@db.internal:5432/mentorhub",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer%40mentorhub.example.com:pw@smtp.example.com:587",
}

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "cache": s.CACHES["default"]["BACKEND"],
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "email": s.EMAIL_BACKEND,
    "debug": s.DEBUG,
    "var_dir": str(s.VAR_DIR),
    "cache_prefix": s.CACHES["default"]["KEY_PREFIX"],
    "routes": s.CELERY_TASK_ROUTES,
    "throttles": s.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES", []),
    "db_options": s.DATABASES["default"].get("OPTIONS", {}),
}))
"""


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not CONTROLLED.match(k)}
    base.update({"DJANGO_SETTINGS_MODULE": "mentorhub.settings", "DJANGO_ENV_FILE": ""}, **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


def settings_of(**env: str) -> dict:
    result = run_python(["-c", PRINT_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Production ---------------------------------------------------------------------------------------


def test_production_passes_deploy_check_with_its_variables():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_use_the_services():
    values = settings_of(**PRODUCTION_ENV)
    assert values["engine"] == "mentorhub.db.postgresql"  # Django's, plus the tenant scope
    assert values["db_name"] == "mentorhub"
    assert values["cache"] == "mentorhub.web.cache.RedisCache"  # Django's, one client per pool
    assert values["eager"] is False
    assert values["broker"] == PRODUCTION_ENV["REDIS_URL"]
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["debug"] is False
    assert values["routes"] == {"matching.execute_run": {"queue": "matching"}}
    assert len(values["throttles"]) == 2


def test_the_matching_route_names_the_real_task():
    """A route keyed on a name no task has would silently send runs to the default queue."""
    from matching.tasks import execute_run

    assert execute_run.name == "matching.execute_run"


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"]
)
def test_production_refuses_to_start_without_each_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_python(["manage.py", "check"], **env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert missing in last_line
    others = set(PRODUCTION_ENV) - {missing, "DJANGO_ENV"}
    assert not any(name in last_line for name in others), last_line


def test_production_treats_an_empty_value_as_missing_and_names_all_at_once():
    result = run_python(["manage.py", "check"], **{**PRODUCTION_ENV, "DATABASE_URL": "", "REDIS_URL": " "})
    assert result.returncode != 0
    assert "DATABASE_URL, REDIS_URL" in result.stderr


def test_deploy_check_fails_with_debug_on_in_production():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV, DJANGO_DEBUG="true"
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


# --- Embedded default and service selection -----------------------------------------------------------------


def test_embedded_default_without_database_and_redis_urls():
    values = settings_of()  # DATABASE_URL, REDIS_URL, DJANGO_ENV all unset
    assert values["engine"] == "mentorhub.db.sqlite3"  # Django's, its transactions taking turns
    assert Path(values["db_name"]).parent == ROOT / "var"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is True
    assert values["broker"] == "memory://localhost/"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["debug"] is False
    # A scheduler thread writes beside the requests: WAL, write lock taken at BEGIN, and a busy timeout.
    assert values["db_options"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }


def test_database_and_redis_urls_switch_to_the_services():
    values = settings_of(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", REDIS_URL="redis://127.0.0.1:6379/9")
    assert values["engine"] == "mentorhub.db.postgresql"  # Django's, plus the tenant scope
    assert values["cache"] == "mentorhub.web.cache.RedisCache"  # Django's, one client per pool
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/9"


def test_xdist_workers_get_their_own_cache_prefix_once():
    assert settings_of(DJANGO_ENV="test", PYTEST_XDIST_WORKER="gw1")["cache_prefix"] == "mentorhub-gw1"
    # A real Celery worker started by a test inherits a prefix that already carries the suffix.
    inherited = settings_of(DJANGO_ENV="test", PYTEST_XDIST_WORKER="gw1", CACHE_KEY_PREFIX="mentorhub-gw1-test-1")
    assert inherited["cache_prefix"] == "mentorhub-gw1-test-1"
    assert inherited["routes"] == {}  # tests route every task to the (replaceable) default queue


def test_env_file_is_read_unless_disabled(tmp_path):
    env_file = tmp_path / "deploy.env"
    env_file.write_text("REDIS_URL=redis://from-env-file:6379/0\n")
    assert settings_of(DJANGO_ENV_FILE=str(env_file))["broker"] == "redis://from-env-file:6379/0"
    # `make run` and `make test` pass DJANGO_ENV_FILE= so a deployment's .env never leaks into them.
    assert settings_of(DJANGO_ENV_FILE="")["broker"] == "memory://localhost/"


# --- docker-compose.yml, Dockerfile, documented variables -------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_process_from_one_image_and_one_env_file(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    app = [services[name] for name in ("web", "worker", "beat")]
    assert len({s["image"] for s in app}) == 1
    assert all(s.get("build") in (".", {"context": "."}) for s in app)
    for name in ("postgres", "web", "worker", "beat"):
        env_file = services[name]["env_file"]
        assert (env_file if isinstance(env_file, list) else [env_file]) == [".env"], name


def test_compose_processes(compose):
    services = compose["services"]
    web, worker, beat = (" ".join(services[name]["command"]) for name in ("web", "worker", "beat"))
    assert "migrate --noinput" in web
    assert "gunicorn mentorhub.wsgi:application" in web
    assert "celery -A mentorhub worker" in worker
    assert "--queues=$${CELERY_QUEUES:-default}" in worker
    # Matching runs: their own worker, one run at a time per host (issue 16).
    matching = " ".join(services["worker-matching"]["command"])
    assert "--queues=matching" in matching and "--concurrency=1" in matching
    assert services["worker-matching"]["image"] == services["worker"]["image"]
    assert "celery -A mentorhub beat" in beat
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    # The web service is healthy once ready (database, cache, broker, migrations: /readyz), which the worker
    # waits for; beat does not inherit the image's check of the web process.
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "scripts/healthcheck", "ready"]
    assert services["beat"]["healthcheck"] == {"disable": True}


def test_dockerfile_builds_a_non_root_gunicorn_image():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert "pip install -r requirements.txt" in dockerfile
    assert "npm ci" in dockerfile
    assert "collectstatic" in dockerfile
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "gunicorn" in dockerfile.split("\nCMD", 1)[1]
    # Liveness of the web process (/healthz), with no database involved.
    assert re.search(r'^HEALTHCHECK .*CMD \["python", "scripts/healthcheck", "live"\]$', dockerfile, re.M)
    # Production's requirements only: tests and tools stay out of the image.
    assert "requirements-dev" not in dockerfile.split("COPY requirements.txt", 1)[1].split("\nCOPY . .", 1)[0]
    assert "requirements-dev.txt" in (ROOT / ".dockerignore").read_text().split()


DEV_ONLY = (
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "factory-boy",
    "hypothesis",
    "playwright",
    "ruff",
    "mypy",
    "lifelines",
)


def _requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            names.add(re.split(r"[=<>\[ ]", line, maxsplit=1)[0].lower())
    return names


def test_production_requirements_hold_no_test_or_tool_package():
    production = _requirement_names(ROOT / "requirements.txt")
    development = _requirement_names(ROOT / "requirements-dev.txt")
    assert not production & set(DEV_ONLY)
    assert set(DEV_ONLY) <= development
    assert (ROOT / "requirements-dev.txt").read_text().splitlines()[1] == "-r requirements.txt"


def settings_variables() -> set[str]:
    source = (ROOT / "mentorhub" / "settings.py").read_text()
    return set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))


@pytest.mark.parametrize("document", [".env.example", "docs/configuration.md"])
def test_every_variable_settings_reads_is_documented(document):
    names = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "EMAIL_URL"} <= names
    text = (ROOT / document).read_text()
    undocumented = sorted(name for name in names if not re.search(rf"\b{name}\b", text))
    assert not undocumented, f"{document} does not mention {undocumented}"
