"""What the operator sees of a running MentorHub (docs/operations.md): health probes, structured logs, metrics
and error reporting, shared by the web and worker processes.

- `health`: `/healthz` (the process answers) and `/readyz` (database, cache, broker, migrations), answered by
  a middleware before host checks, sessions and sign-in, so a container probe reaches them as they are.
- `context` and `logging`: the request id, organization and user (or the task) of the code running now, and
  the JSON formatter and filter that put them on every log line.
- `middleware`: where a request gets its id, its latency metric and its one access-log line.
- `metrics/`: the Prometheus instruments, the gauges the apps register (`register_gauge`), `/metrics` behind
  a bearer token, and the Celery signal handlers with the worker's own metrics endpoint.
- `sentry`: optional error reporting (SENTRY_DSN), sending no personal data.

Like `mentorhub.web`, it imports no app: an app that has a figure for the operator registers it here
(`metrics.registry.register_gauge`) from its AppConfig.ready().
"""
