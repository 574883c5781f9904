"""Every write of the programs app, one module per concern: programs (create, update, lifecycle moves),
participants (enrollments, decisions, invitations), questions (the enrollment form), invitations (the
invitation emails). Import from the module, e.g. `from programs.services.programs import program_create`."""
