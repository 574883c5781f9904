"""Every write of the matching app (keyword-only, typed, atomic, audited, scoped by organization), one module
per concern: runs (start, execute, re-run, compare), review (the admin's edits and approvals), responses (the
participants' accept / decline), lifecycle (complete, end early) and choice (mentee-choice mode). Import from
the module (`from matching.services.runs import match_run_start`); see docs/architecture.md."""
