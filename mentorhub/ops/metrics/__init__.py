"""Prometheus metrics (docs/operations.md, "Metrics"): the instruments the web and worker processes record
into (`instruments`), the gauges read at scrape time that the apps register (`registry`), `/metrics` behind
METRICS_TOKEN (`exposition`), and the Celery signal handlers with the worker's own endpoint (`tasks`).

With PROMETHEUS_MULTIPROC_DIR set (gunicorn's workers, a prefork Celery worker), every process writes its
figures to files there and a scrape adds them up (prometheus_client's multiprocess mode); without it, one
process keeps them in memory (`make run`, the test suite)."""
