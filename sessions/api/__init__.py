"""Mentoring API under /api/v1/o/<org_slug>/ (sessions, goals, the end of a match, notifications).

Participants (admins and members; stakeholders get 403, they read aggregates on the dashboards): their
sessions, goals and milestones, completing or ending their matches, their notifications, email preferences
and calendar feed. HR admins: each program's goal templates, and its matches in progress (counts and dates,
never notes or feedback), with the power to end one. Someone else's object answers 404, the same answer as
one that does not exist. Viewsets parse with a small serializer, call one service, render.
"""
