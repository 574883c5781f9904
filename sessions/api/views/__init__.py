"""The mentoring API's views, one module per concern: sessions, goals (with milestones and templates),
matches (their end, and the admins' overview) and notifications (with preferences and the calendar feed)."""
