"""Every write of the analytics app: surveys (standard surveys per program, assignments, answers, the admins'
own questions), self-identification, and the roll-ups. Import from the modules."""
