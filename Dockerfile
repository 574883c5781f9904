# One image for every MentorHub process: web (gunicorn, the default command), worker and beat (Celery).
# Build: docker build -t mentorhub .    Run it through docker-compose.yml, or see docs/scaling.md.

# --- Front-end packages from npm (htmx, ...), served as installed; no JS build step. -----------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- The application --------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    DJANGO_ENV=production \
    WEB_CONCURRENCY=3 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/mentorhub-metrics
WORKDIR /app

RUN groupadd --system --gid 10001 mentorhub \
    && useradd --system --uid 10001 --gid mentorhub --home-dir /app --no-create-home --shell /usr/sbin/nologin mentorhub

# Dependencies first so that a code change does not reinstall them (psycopg2-binary brings its own libpq).
# Production's requirements only: tests and tools (requirements-dev.txt) never enter the image.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=frontend /app/node_modules ./node_modules
COPY . .

# Static files are collected (hashed and compressed for whitenoise) at build time. Production settings
# refuse to load without their variables, so this one step gets build-only placeholders: they exist only
# for this RUN and never reach the image's environment. Nothing here connects to them.
RUN DJANGO_SECRET_KEY=build-only-placeholder-not-a-secret \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    EMAIL_URL=consolemail:// \
    DJANGO_ENV_FILE= \
    python manage.py collectstatic --noinput \
    && mkdir -p var \
    && chown -R mentorhub:mentorhub var

USER mentorhub
EXPOSE 8000
# Liveness: the web process answers /healthz (no database). docker-compose.yml asks /readyz for its web service
# (database, cache, broker, migrations), so that the worker starts after the schema is migrated. Worker and beat
# run from this image too: compose gives them their own check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "scripts/healthcheck", "live"]
# Workers: WEB_CONCURRENCY (gunicorn reads it). Migrations run once per release, not here: see docker-compose.yml.
CMD ["gunicorn", "mentorhub.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
