# MentorHub. `make run` for the demo on the embedded default, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# The demo and the suite never read a `.env` (it is for deployments and may point at docker hosts).
LOCAL_ENV := env -u DATABASE_URL -u REDIS_URL DJANGO_ENV=development DJANGO_ENV_FILE=
# Front-end packages never download browsers; browser tests use Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test install lint format migrate seed serve worker beat bench bench-load check-deploy backup restore clean

# Dev machines and CI install requirements-dev.txt (production's requirements.txt plus tests and tools);
# the Docker image installs requirements.txt alone.
$(PY_STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "MentorHub needs Python 3.11 or newer as '$(PYTHON)' (make PYTHON=python3.11 ...)." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(PY_STAMP)

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "MentorHub needs Node.js and npm for its front-end packages." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

## Python (.venv) and npm (node_modules) dependencies; reinstalled when their files change
install: $(PY_STAMP) $(NPM_STAMP)

## The demo on the embedded default (SQLite under var/, tasks in-process), on http://127.0.0.1:8000
run: install
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput
	$(LOCAL_ENV) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  MentorHub demo: http://127.0.0.1:8000  --  sign in as admin@acme.example / mentorhub-demo"
	@echo ""
	$(LOCAL_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole test suite: DATABASE_URL/REDIS_URL when set, else local PostgreSQL + Redis when they answer,
## else embedded. Extra pytest arguments: make test ARGS="tests/accounts -k import"
test: install
	bash scripts/run-tests $(ARGS)

## Static checks: ruff (lint + format), import contracts (lint-imports), mypy, deptry, missing migrations.
## Runs every step, prints each command, fails if any step failed.
lint: install
	@failed=(); \
	step() { echo "+ $$*"; "$$@" || failed+=("$$*"); }; \
	step $(BIN)/ruff check .; \
	step $(BIN)/ruff format --check .; \
	step $(BIN)/lint-imports; \
	step $(LOCAL_ENV) $(BIN)/mypy; \
	step $(BIN)/deptry .; \
	step $(LOCAL_ENV) $(BIN)/python manage.py makemigrations --check --dry-run; \
	if [ $${#failed[@]} -gt 0 ]; then \
		printf 'make lint: FAILED: %s\n' "$${failed[@]}" >&2; exit 1; \
	fi; \
	echo "make lint: all checks passed"

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Translations (docs/translations.md): catalogues rebuilt from the code, then compiled (needs GNU gettext)
messages: install
	$(LOCAL_ENV) $(BIN)/python scripts/i18n.py extract
	$(LOCAL_ENV) $(BIN)/python scripts/i18n.py compile
	$(LOCAL_ENV) $(BIN)/python scripts/i18n.py status

## The targets below use the environment as it is (and `.env`): for real deployments.
migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed_demo

## Production processes (DJANGO_ENV=production and the variables in docs/configuration.md)
serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn mentorhub.wsgi:application --bind $${BIND:-0.0.0.0:8000} --workers $${WEB_CONCURRENCY:-3} \
		--access-logfile - --timeout 60

## Celery worker; CELERY_QUEUES=matching CELERY_CONCURRENCY=1 for a dedicated matching host (one run at a time)
worker: install
	PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$(CURDIR)/var/metrics-worker} \
		$(BIN)/celery -A mentorhub worker --loglevel=INFO --queues=$${CELERY_QUEUES:-default,matching} \
		--concurrency=$${CELERY_CONCURRENCY:-2}

## One per deployment is the norm; a second waits on standby (leader election: mentorhub/celery_beat.py)
beat: install
	$(BIN)/celery -A mentorhub beat --loglevel=INFO --scheduler=mentorhub.celery_beat:LeaderElectedScheduler

## Django's deployment checklist against the current environment (DJANGO_ENV=production ...)
check-deploy: install
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## pg_dump (custom format) as the owner (DATABASE_OWNER_URL, else DATABASE_URL) to $BACKUP_DIR (var/backups)
backup: install
	$(BIN)/python scripts/backup

## Restore a dump into a new or empty database: make restore DUMP=var/backups/... [TARGET=postgres://...] [FORCE=1]
restore: install
	DUMP="$(DUMP)" TARGET="$(TARGET)" FORCE="$(FORCE)" $(BIN)/python scripts/restore "$(DUMP)"

## Benchmarks print figures (bench/); not part of the test run
bench: install
	@if [ -x scripts/run-bench ]; then bash scripts/run-bench; else \
		shopt -s nullglob; files=(bench/[!_]*.py); \
		[ $${#files[@]} -gt 0 ] || { echo "No benchmarks in bench/ yet."; exit 0; }; \
		for f in "$${files[@]}"; do echo "== $$f"; $(BIN)/python "$$f" || exit 1; done; fi

## The load test (bench/load.py, README "Benchmarks"): gunicorn + PostgreSQL + Redis on this machine, about
## 3 minutes. Its own database (DATABASE_URL's name, default mh_bench_load). Options: make bench-load ARGS="--help"
bench-load: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mh_bench_load} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/python bench/load.py $(ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles var/*.sqlite3 var/celerybeat-schedule*
