"""MentorHub settings: one module, every knob from the environment.

Without DATABASE_URL / REDIS_URL the platform runs on the embedded default: SQLite under var/, a
local-memory cache, Celery tasks run eagerly in-process and email goes to the console.
Set DJANGO_ENV=production and the secrets become mandatory: a missing one stops start-up.
"""

import os
import tempfile
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from mentorhub.ops.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# A `.env` beside manage.py is read for bare-metal deployments (values already in the environment win).
# `make run` and `make test` set DJANGO_ENV_FILE to empty: a `.env` written for docker compose (hosts named
# `postgres`, DJANGO_ENV=production) must not leak into the demo or the test suite.
ENV_FILE = env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise environ.ImproperlyConfigured("DJANGO_ENV must be development, production or test.")
PRODUCTION = DJANGO_ENV == "production"
# pytest-xdist names its workers gw0, gw1, ...; each gets its own test database (test_<name>_gwN) from
# pytest-django, and below its own cache-key prefix, so rate-limit counters never cross between workers
# sharing one Redis. (A real Celery worker started by a test gets a queue and prefix of its own.)
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "") if DJANGO_ENV == "test" else ""

# Production never falls back to the embedded default: without these the process refuses to start, and
# names every missing variable at once instead of failing on the first.
PRODUCTION_REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")
if PRODUCTION:
    _missing = [name for name in PRODUCTION_REQUIRED if not os.environ.get(name, "").strip()]
    if _missing:
        raise environ.ImproperlyConfigured(
            "DJANGO_ENV=production requires these environment variables, which are not set: "
            + ", ".join(_missing)
            + ". See docs/configuration.md."
        )

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "mentorhub.db",  # first: its `migrate` runs as the tables' owner; row-level security after every migrate
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mentorhub.accounts",
    "identity",
    "programs",
    "matching",
    "sessions.apps.MentoringSessionsConfig",
    "analytics",
    "integrations",  # Slack, Teams, outgoing webhooks: above every product app, below demo
    "demo",  # demo data and `seed_demo`: above every app, imported by none
]

MIDDLEWARE = [
    # First: a request id for every log line of the request, echoed as X-Request-ID; latency by route (metrics).
    "mentorhub.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer, error pages included (see Browser policy).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # /healthz, /readyz, /metrics: answered here, before the host check, sessions and sign-in (a probe's Host is
    # the pod's address); the HTTPS redirect exempts them (SECURE_REDIRECT_EXEMPT).
    "mentorhub.ops.endpoints.OperatorEndpointsMiddleware",
    # A form's redirect to another site (single sign-on) becomes a page that goes on there: form-action 'self'.
    "mentorhub.web.browser_policy.FormRedirectHandoffMiddleware",
    "mentorhub.web.browser_policy.RoutePolicyMiddleware",  # CONTENT_SECURITY_POLICY_ROUTES
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No organization in the database's scope until the tenancy layer resolves one (row-level security).
    "mentorhub.db.middleware.TenantScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL character in the path, query string, form or JSON body: 400 before any view (PostgreSQL refuses it).
    "mentorhub.web.nul_bytes.NulRefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorhub.accounts.middleware.ViewerTimezoneMiddleware",
    # The page's language: the person's choice, else the browser's, else (tenancy.py) the organization's default.
    "mentorhub.accounts.middleware.LanguageMiddleware",
    "mentorhub.embedded_scheduler.EmbeddedSchedulerMiddleware",
    # Last: the organization and person as the view left them, for the request's log lines (mentorhub/ops).
    "mentorhub.ops.middleware.RequestIdentityMiddleware",
]

ROOT_URLCONF = "mentorhub.urls"
WSGI_APPLICATION = "mentorhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorhub.accounts.context_processors.tenancy",
            ],
            # Django's `date` filter, with each format as the reader's language writes it (docs/translations.md).
            "builtins": ["mentorhub.web.local_dates"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mentorhub.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default has a scheduler thread writing beside the browser's requests. SQLite's default
    # (rollback journal, DEFERRED transactions) answers "database is locked" at once when a request that
    # has read tries to write while the scheduler writes: no wait can resolve that upgrade. WAL lets
    # readers and one writer proceed together; IMMEDIATE takes the write lock at BEGIN, where the busy
    # timeout applies, so a request waits for the scheduler's short transaction instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=30),  # seconds a transaction waits for the lock
        }
    )
    # The process's own transactions queue first come first served before their BEGIN, instead of racing in
    # SQLite's busy handler, where under load an unlucky one times out (mentorhub/db/sqlite3/base.py). Not in
    # the suite: its tests hold one transaction open while a live server's threads write.
    if DJANGO_ENV != "test":
        DATABASES["default"]["ENGINE"] = "mentorhub.db.sqlite3"
# Behind PgBouncer in transaction mode a server connection changes hands between transactions: named
# (server-side) cursors would vanish mid-iteration and persistent client connections buy nothing.
DATABASE_PGBOUNCER = env.bool("DATABASE_PGBOUNCER", default=False)
# Row-level security (docs/configuration.md, "Two database roles"): the web and worker processes connect with
# DATABASE_URL as the application role, which neither owns the tables nor bypasses row-level security;
# `migrate` connects with DATABASE_OWNER_URL as the owner. DATABASE_ASSUME_ROLE instead switches one login to
# the application role at connect (SET ROLE; not behind PgBouncer in transaction mode). The backend
# mentorhub.db.postgresql hands each statement its organization (SET LOCAL).
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
DATABASE_ASSUME_ROLE = env.str("DATABASE_ASSUME_ROLE", default="")
# The role `migrate` grants the application's rights to (default: DATABASE_URL's user when it differs from the
# owner's, or DATABASE_ASSUME_ROLE).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="mentorhub_app" if DJANGO_ENV == "test" else "")
POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if POSTGRESQL:
    DATABASES["default"]["ENGINE"] = "mentorhub.db.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DATABASE_PGBOUNCER else 60)
    # A persistent connection the database dropped (restart, failover, pg_terminate_backend) is replaced before
    # a request uses it; while the database is away pages answer 503 (mentorhub/web/errors.py, `server_error`).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Seconds to wait for a connection to an unreachable server (a failover, a dropped network): a 503 soon,
    # not a web worker held until the TCP timeout. DATABASE_URL's own ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # A server-side cursor's DECLARE cannot carry the tenant scope's statement (mentorhub/db/postgresql/base.py).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if DATABASE_ASSUME_ROLE:
        DATABASES["default"].setdefault("OPTIONS", {})["assume_role"] = DATABASE_ASSUME_ROLE
    if DATABASE_OWNER_URL:
        DATABASES["owner"] = {
            **env.db_url_config(DATABASE_OWNER_URL),
            "ENGINE": "mentorhub.db.postgresql",
            "DISABLE_SERVER_SIDE_CURSORS": True,
            "TEST": {"MIRROR": "default"},
        }
# A read replica for analytics (dashboards, exports): selectors that can tolerate replication lag read
# with .using(settings.ANALYTICS_DATABASE). Without DATABASE_REPLICA_URL that alias is the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        "TEST": {"MIRROR": "default"},
    }
ANALYTICS_DATABASE = "replica" if DATABASE_REPLICA_URL else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Django's Redis backend, keeping one client per connection pool (mentorhub/web/cache.py says why).
    CACHES = {"default": {"BACKEND": "mentorhub.web.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="mentorhub")
# A worker process started by a test inherits both PYTEST_XDIST_WORKER and a prefix that already ends in
# it: add the suffix once, so test and worker agree on the keys.
if XDIST_WORKER and XDIST_WORKER not in CACHES["default"]["KEY_PREFIX"].split("-"):
    CACHES["default"]["KEY_PREFIX"] += f"-{XDIST_WORKER}"

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # (a host, or kombu warns on every eager task)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="default")
# CPU-heavy matching runs on its own queue so a big cohort never delays imports or reminders. Tests route
# nothing: every task follows the default queue, which a real-worker test replaces at run time.
CELERY_MATCHING_QUEUE = env.str("CELERY_MATCHING_QUEUE", default="" if DJANGO_ENV == "test" else "matching")
CELERY_TASK_ROUTES = {"matching.execute_run": {"queue": CELERY_MATCHING_QUEUE}} if CELERY_MATCHING_QUEUE else {}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Long jobs (match runs, roster imports, roll-ups; mentorhub/jobs/): the worker running one refreshes its
# heartbeat this often; a job silent for JOB_DEAD_AFTER_SECONDS lost its worker and is taken again; a job still
# queued JOB_RESEND_AFTER_SECONDS after its task was sent has it sent again (the message was lost). The sweeper
# that does both runs every JOB_SWEEP_SECONDS.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=5.0)
JOB_DEAD_AFTER_SECONDS = env.float("JOB_DEAD_AFTER_SECONDS", default=45.0)
JOB_RESEND_AFTER_SECONDS = env.float("JOB_RESEND_AFTER_SECONDS", default=60.0)
JOB_SWEEP_SECONDS = env.float("JOB_SWEEP_SECONDS", default=20.0)
if JOB_DEAD_AFTER_SECONDS < 3 * JOB_HEARTBEAT_SECONDS:
    raise environ.ImproperlyConfigured("JOB_DEAD_AFTER_SECONDS must be at least three JOB_HEARTBEAT_SECONDS.")
# Beat sends the schedule below. One beat process is the norm; a second is harmless: beat processes elect a
# leader through a Redis key that lives CELERY_BEAT_LEADER_TTL seconds unless renewed, only the leader sends,
# and a standby takes over when the leader stops (mentorhub/celery_beat.py).
CELERY_BEAT_SCHEDULER = "mentorhub.celery_beat:LeaderElectedScheduler"
CELERY_BEAT_LEADER_TTL = env.float("CELERY_BEAT_LEADER_TTL", default=30.0)
# The leader key carries the cache prefix: two deployments sharing one Redis database elect a leader each.
CELERY_BEAT_LEADER_KEY = env.str("CELERY_BEAT_LEADER_KEY", default=f"{CACHES['default']['KEY_PREFIX']}:beat")
# Reminders are rows with due_at, claimed every minute (never long ETA tasks).
CELERY_BEAT_SCHEDULE = {
    "dispatch-reminders": {
        "task": "sessions.dispatch_reminders",
        "schedule": env.float("REMINDER_DISPATCH_SECONDS", default=60.0),
    },
    # A tick not run by its next one is dropped (`expires`): a worker back after an outage runs one, not dozens.
    "sweep-jobs": {"task": "jobs.sweep", "schedule": JOB_SWEEP_SECONDS, "options": {"expires": JOB_SWEEP_SECONDS}},
    "plan-inactivity-nudges": {"task": "sessions.plan_inactivity_nudges", "schedule": 3600.0},
    # People's free/busy calendar addresses fetched again (sessions/tasks.py); each feed at most hourly.
    "refresh-busy-feeds": {"task": "sessions.refresh_busy_feeds", "schedule": 3600.0, "options": {"expires": 3000}},
    "complete-finished-matches": {"task": "sessions.complete_finished_matches", "schedule": crontab(hour=2, minute=15)},
    "plan-surveys": {"task": "analytics.plan_surveys", "schedule": 3600.0},
    "nightly-rollups": {"task": "analytics.nightly_rollups", "schedule": crontab(hour=2, minute=45)},
    # Leaving dates that have come take effect (access closed, matches ended); hourly, so early on the day.
    "complete-departures": {"task": "accounts.complete_departures", "schedule": crontab(minute=5)},
    # Leavers whose retention period is over are erased (docs/privacy.md); before the nightly roll-ups.
    "apply-retention": {"task": "accounts.apply_retention", "schedule": crontab(hour=2, minute=30)},
    # Outgoing webhooks: the outbox's new events fanned out, due deliveries sent (integrations/webhooks/).
    "deliver-webhooks": {
        "task": "integrations.deliver_webhooks",
        "schedule": env.float("WEBHOOK_DISPATCH_SECONDS", default=15.0),
        "options": {"expires": 60},
    },
}
# Server-side fetches of addresses people give (mentorhub/web/safe_fetch.py) never reach loopback; tests list
# the ports of their own loopback servers here. Ignored in production.
OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS: list[int] = (
    [] if DJANGO_ENV == "production" else env.list("OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS", cast=int, default=[])
)
# Reminder senders a tick may start at once (each sends batches until nothing is due).
REMINDER_SENDERS = env.int("REMINDER_SENDERS", default=2)
# Without a beat process (the embedded default, `make run`), a thread in the web process runs the schedule
# above. Off in tests and whenever tasks go to a real broker (run `make beat` there).
EMBEDDED_SCHEDULER = env.bool("EMBEDDED_SCHEDULER", default=CELERY_TASK_ALWAYS_EAGER and DJANGO_ENV == "development")

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in PostgreSQL (any web process serves any request) and are read through the cache: a signed-in
# request reads its session from Redis instead of spending a database query on it (bench/load.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
# The sign-in form refuses passwords where an organization requires SSO (identity/sso/login.py).
ACCOUNT_FORMS = {"login": "identity.sso.login.SsoPolicyLoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MentorHub] "
# allauth's rate limits are kept in the cache (Redis in production), so they hold across web processes.
# Failed sign-ins: per address (slows password spraying without locking an office out after a few typos),
# and per account from one address (the key, mentorhub/accounts/account_adapter.py): an attacker's delays
# grow (5 minutes, then an hour, then a day) while the owner elsewhere is never locked out.
ACCOUNT_ADAPTER = "mentorhub.accounts.account_adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,200/h/ip,1000/d/ip,5/5m/key,10/h/key,20/d/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MentorHub"

# --- Single sign-on (identity/) ---------------------------------------------------------------
# Each organization configures its own identity provider in the browser (identity.models.SsoConnection);
# the adapter hands allauth one app per organization built from that row, so nothing lives in SocialApp.
SOCIALACCOUNT_ADAPTER = "identity.sso.adapter.SsoSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True},
    # allauth's SAML provider plus a refusal of replayed assertions (identity/sso/saml.py).
    "saml": {"provider_class": "identity.sso.saml.OrgSamlProvider"},
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # a provider's email never takes over an account by itself
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# Key for the stored OIDC client secrets (identity/crypto.py); defaults to one derived from SECRET_KEY.
SSO_SECRETS_KEY = env.str("SSO_SECRETS_KEY", default="")
# DNS servers ("host:port", comma-separated) that look up the TXT records proving an organization owns an
# email domain (identity/domains.py); empty: the system's resolvers.
SSO_DNS_NAMESERVERS = env.list("SSO_DNS_NAMESERVERS", default=[])

INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)

# --- Microsoft Teams (integrations/teams/; docs/integrations.md, "Microsoft Teams") -----------------------------
# The deployment's one Azure bot: its Microsoft App ID and client secret. Empty: the Teams app is off.
TEAMS_APP_ID = env.str("TEAMS_APP_ID", default="")
TEAMS_APP_PASSWORD = env.str("TEAMS_APP_PASSWORD", default="")
# Where incoming activities' tokens are checked (the Bot Framework's OpenID metadata, whose JWKS signs them)
# and who issues them; where the bot gets its own token (client credentials) for proactive messages.
TEAMS_OPENID_METADATA_URL = env.str(
    "TEAMS_OPENID_METADATA_URL", default="https://login.botframework.com/v1/.well-known/openidconfiguration"
)
TEAMS_TOKEN_ISSUER = env.str("TEAMS_TOKEN_ISSUER", default="https://api.botframework.com")
TEAMS_TOKEN_URL = env.str(
    "TEAMS_TOKEN_URL", default="https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
)
TEAMS_TOKEN_SCOPE = env.str("TEAMS_TOKEN_SCOPE", default="https://api.botframework.com/.default")

# --- Email ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A backend class by name wins over EMAIL_URL's, e.g. mentorhub.mail_backends.SpoolBackend for load tests.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MentorHub <no-reply@mentorhub.example>")
# For mentorhub.mail_backends.SpoolBackend (load and crash tests, staging): where and how slowly it writes.
EMAIL_SPOOL_DIR = env.str("EMAIL_SPOOL_DIR", default=str(VAR_DIR / "mail-spool"))
EMAIL_SPOOL_DELAY_SECONDS = env.float("EMAIL_SPOOL_DELAY_SECONDS", default=0.0)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds before a stuck mail server gives up a connection (the reminder sender has a time budget).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Uploaded files ----------------------------------------------------------------------------
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# --- I18n, time -----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The languages every page, email, notification, chat message and calendar text is written in. Catalogues:
# locale/<area>/<lang>/LC_MESSAGES/django.po (docs/translations.md); the person's language is chosen by
# mentorhub/accounts/languages.py (their profile, else the browser's Accept-Language, else the organization's).
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = sorted(path for path in (BASE_DIR / "locale").glob("*") if path.is_dir())
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party front-end code comes from npm (package.json), served as it is installed.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production, whitenoise serves straight from the finders: no collectstatic step for `make run`.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mentorhub.accounts.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mentorhub.web.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: DRF's browsable HTML pages are built on inline styles, which the browser policy refuses; the
    # API's page for browsers is /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # A service's ValidationError becomes a 400 with its messages, in every API view.
    "EXCEPTION_HANDLER": "mentorhub.web.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
}
# Counters live in the cache (Redis when set), so limits hold across web processes. The suite runs
# without them: thousands of requests per minute from one address would otherwise meet 429s.
if DJANGO_ENV != "test":
    REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ]
SPECTACULAR_SETTINGS = {
    "TITLE": "MentorHub API",
    "DESCRIPTION": "Workplace mentoring programs. Every route is scoped by organization: /api/v1/o/<org_slug>/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for signed-in users and token holders (docs/api.md): anonymous 401.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Every operation documents the refusals (401, 403, 404, 429) with one error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mentorhub.web.schema.document_refusals",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `role` or `status` field with different choices; name each enum after its
    # model so the schema has no auto-numbered names (and `check --deploy` no naming warnings).
    "ENUM_NAME_OVERRIDES": {
        "OrganizationRoleEnum": "mentorhub.accounts.models.Role",
        # Roster imports and matching runs share this one: queued, running, done, failed.
        "JobStatusEnum": "mentorhub.accounts.models.RosterImport.Status",
        "ProgramStatusEnum": "programs.models.Program.Status",
        "ParticipantRoleEnum": "programs.models.Participant.Role",
        "ParticipantStatusEnum": "programs.models.Participant.Status",
        "ProgramKindEnum": "programs.models.Program.Kind",
        "MatchKindEnum": "matching.models.Match.Kind",
        "MatchStatusEnum": "matching.models.Match.Status",
        "MatchMemberRoleEnum": "matching.models.MatchMember.Role",
        "MatchMemberResponseEnum": "matching.models.MatchMember.Response",
        "MentorRequestStatusEnum": "matching.models.MentorRequest.Status",
        "SessionStatusEnum": "sessions.models.MentoringSession.Status",
        "SessionFormatEnum": "sessions.models.MentoringSession.Format",
        # The statuses a new session may take (scheduled ahead, or held: a past meeting), and how one is logged.
        "NewSessionStatusEnum": "sessions.api.serializers.sessions.NEW_SESSION_STATUSES",
        "SessionLogStatusEnum": "sessions.api.serializers.sessions.LOG_STATUSES",
        "GoalStatusEnum": "sessions.models.Goal.Status",
        "NotificationKindEnum": "sessions.models.Notification.KIND_CHOICES",
        "EmailCategoryEnum": "sessions.api.serializers.notifications.EMAIL_CATEGORIES",
        "SurveyKindEnum": "analytics.models.Survey.Kind",
        "SurveyQuestionTypeEnum": "analytics.models.SurveyQuestion.Type",
        "SurveyAssignmentStatusEnum": "analytics.models.SurveyAssignment.Status",
        # Self-identification: several attributes are answered yes or no (analytics.demographics).
        "YesNoEnum": ["Yes", "No"],
    },
}

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser policy (docs/architecture.md): pages load scripts, styles, images and fonts from this origin only; no
# inline script, style attribute or eval anywhere. The nonce is sent only by a page that asks for one
# (`request.csp_nonce`): today only the API docs page, whose Swagger UI start script comes inline from
# drf-spectacular. Forms post to this origin (a redirect to another site after a form is handed off:
# mentorhub/web/browser_policy.py); nothing may frame a page (X_FRAME_OPTIONS says it to older browsers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# A route's additions for its own pages only (URL name: {directive: [sources]}), each with its reason.
CONTENT_SECURITY_POLICY_ROUTES: dict[str, dict[str, list[str]]] = {
    # Swagger UI's bundle (drf-spectacular-sidecar) draws its icons as data: SVG images.
    "api-docs": {"img-src": ["data:"]},
}
# Powerful browser features no page of ours uses, switched off for every page and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Operations (docs/operations.md) ------------------------------------------------------------------
# Logs go to stderr; in production one JSON object per line, each with the request id, organization id and user
# id of the request (or the task id and organization of the Celery task) that wrote it (mentorhub/ops/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise environ.ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = logging_config(json_lines=LOG_FORMAT == "json", level=env.str("LOG_LEVEL", default="INFO"))
# One access line per request (method, route, status, duration, the ids) from the application itself.
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=PRODUCTION)
# /metrics answers Prometheus only with `Authorization: Bearer <METRICS_TOKEN>`; unset, the route is 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# A Celery worker serves its own metrics (task durations, failures) on this host:port, with the same token.
CELERY_METRICS_BIND = env.str("CELERY_METRICS_BIND", default="")
# /healthz, /readyz and /metrics answer plain HTTP: container probes and Prometheus reach the process directly.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
# Error reporting: off unless SENTRY_DSN is set; never sends personal data (mentorhub/ops/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from mentorhub.ops.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Roster import: files larger than this are refused before parsing.
ROSTER_IMPORT_MAX_BYTES = env.int("ROSTER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Uploads of that size stay in memory; non-file request bodies keep Django's 2.5 MB cap.
FILE_UPLOAD_MAX_MEMORY_SIZE = ROSTER_IMPORT_MAX_BYTES + 1024 * 1024

# The address of this deployment, for links in emails sent outside a request (Celery tasks).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# allauth's per-IP rate limits read the client address from X-Forwarded-For behind this many proxies;
# set it to 1 behind one load balancer, or every user shares the proxy's limit.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# --- Tests ---------------------------------------------------------------------------------
if DJANGO_ENV == "test":
    # Fast hashing; tasks run in-process unless a test starts a real worker (tests/celery_worker.py).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
    ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
    # A test that runs a real worker gives it a backend whose messages the test can read (tests/mail_spool.py).
    EMAIL_BACKEND = env.str("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
    EMBEDDED_SCHEDULER = False
    # Files a test uploads never land in the demo's var/media.
    MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(Path(tempfile.gettempdir()) / "mentorhub-test-media")))

# The Slack app (docs/integrations.md, Slack): the app's credentials from api.slack.com/apps, and Slack's Web API
# address (tests point it at a local server). Without a client id the Settings -> Slack page says it is not set up.
SLACK_CLIENT_ID = env.str("SLACK_CLIENT_ID", default="")
SLACK_CLIENT_SECRET = env.str("SLACK_CLIENT_SECRET", default="")
SLACK_SIGNING_SECRET = env.str("SLACK_SIGNING_SECRET", default="")
SLACK_API_BASE_URL = env.str("SLACK_API_BASE_URL", default="https://slack.com/api/")
SLACK_AUTHORIZE_URL = env.str("SLACK_AUTHORIZE_URL", default="https://slack.com/oauth/v2/authorize")
