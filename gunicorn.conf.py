"""gunicorn reads this file from its working directory (the image's /app, `make serve`, bench/load.py); every
other setting comes from the command line. What is here: the metrics' shared directory, and gunicorn's own log
lines in JSON where the application's are (docs/operations.md).

gunicorn's workers are separate processes, and a scrape of /metrics reaches one of them: prometheus_client's
multiprocess mode has each worker write its figures to files in PROMETHEUS_MULTIPROC_DIR and the scrape add them
all up (docs/operations.md, "Metrics"). The variable must be set before any worker imports prometheus_client, so
it is set here, in the master, before the first fork, to a fresh temporary directory when the environment names
none; a directory the environment names is emptied at start (the last run's files would be added to this one's).
Nothing of the application is imported here (it would import prometheus_client before the variable is set).
"""

import logging as _logging
import os as _os
import shutil as _shutil
import tempfile as _tempfile
from pathlib import Path as _Path

from gunicorn.glogging import Logger as _Logger

_metrics_dir = _os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
_made_here = not _metrics_dir
if _made_here:
    _metrics_dir = _tempfile.mkdtemp(prefix="mentorhub-metrics-")
    _os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    directory = _Path(_metrics_dir)
    directory.mkdir(parents=True, exist_ok=True)
    for child in directory.iterdir():
        if child.is_dir():
            _shutil.rmtree(child)
        else:
            child.unlink()


def on_exit(server):
    if _made_here:
        _shutil.rmtree(_metrics_dir, ignore_errors=True)


class _QuietAccessLogger(_Logger):
    def access(self, resp, req, environ, request_time):
        if self.access_log.isEnabledFor(_logging.INFO):
            super().access(resp, req, environ, request_time)


# With JSON logs (LOG_FORMAT=json, the production default), gunicorn's own lines (start-up, worker restarts,
# timeouts) are JSON objects too, and its access log is off: the application writes one access line per request
# with the request id, route and ids (mentorhub/ops/middleware.py; gunicorn's would repeat it, with the raw path
# and query string). Read from the process environment (docker compose's env_file): a `.env` that only Django
# reads does not reach this file.
_production = _os.environ.get("DJANGO_ENV", "") == "production"
if _os.environ.get("LOG_FORMAT", "json" if _production else "text") == "json":
    logconfig_dict = {
        "formatters": {"json": {"()": "mentorhub.ops.logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }

    # gunicorn builds an access line's fields for every request whenever a logging configuration is given, even
    # with its access logger off as above: this logger skips that work while it is off.
    logger_class = _QuietAccessLogger
