"""Every write of the sessions app (keyword-only, typed, atomic, scoped by organization), one module per
concern: sessions (schedule, change, cancel, log, feedback), goals (goals, milestones, comments, templates),
lifecycle (what follows when a match ends), reminders (planning rows with due_at), dispatch (sending them)
and notifications (in-app notices, preferences, unsubscribing, calendar feeds). Import from the module."""
