# MentorHub. `make run` for the demo on the embedded default, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format migrate seed serve worker beat bench clean

$(STAMP): requirements.txt package.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	npm install --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

## The demo on the embedded default (SQLite under var/, tasks in-process), on http://127.0.0.1:8000
run: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole test suite: PostgreSQL + Redis when they answer (or DATABASE_URL/REDIS_URL), else embedded
test: install
	bash scripts/run-tests $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed_demo

## Production processes (set DJANGO_ENV=production and the variables in the README)
serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn mentorhub.wsgi:application --bind $${BIND:-0.0.0.0:8000} --workers $${WEB_CONCURRENCY:-3} --access-logfile -

worker: install
	$(BIN)/celery -A mentorhub worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: install
	$(BIN)/celery -A mentorhub beat --loglevel=INFO --schedule=var/celerybeat-schedule

bench: install
	bash scripts/run-bench

clean:
	rm -rf $(VENV) node_modules staticfiles var/*.sqlite3
