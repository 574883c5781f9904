"""API views of the analytics app, one module per concern: surveys (the caller's assignments and answers,
about me, a program's surveys) and dashboards (program health, the impact report, roll-up runs)."""
