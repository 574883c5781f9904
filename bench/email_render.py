"""Reminder emails built and serialised in-process, no database and no mail server: what the dispatcher spends
per email on writing it (sessions/services/reminder_mail.py), the part the HTML layout adds to.

    env -u DATABASE_URL -u REDIS_URL DJANGO_ENV=development DJANGO_ENV_FILE= .venv/bin/python bench/email_render.py

N (default 5000) emails of one organization, 500 recipients, a "log your session" text; the best of 3 runs.
Measured on the shared 2-core box (load ~5): before the HTML layout (plain text only) about 25 us an email,
with it (multipart/alternative, HTML and text from the layout rendered once) about 35-60 us.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")

import django  # noqa: E402

django.setup()

from mentorhub.accounts.branding import branding_of  # noqa: E402
from mentorhub.accounts.models import Employee, Organization  # noqa: E402
from sessions import messages  # noqa: E402
from sessions.models import Reminder  # noqa: E402
from sessions.services import reminder_mail  # noqa: E402

N = int(os.environ.get("N", "5000"))


def main() -> None:
    organization = Organization(pk=7, name="Acme Corp", slug="acme")
    people = [
        Employee(
            pk=i, organization=organization, name=f"Person {i}", email=f"p{i}@acme.test", time_zone="Europe/Berlin"
        )
        for i in range(1, 501)
    ]
    message = messages.Message(
        subject="How did your session with Bo Chen go?",
        body="Your session with Bo Chen on Mon 30 Mar 2026, 10:00 CEST (Europe/Berlin) has ended. Log it as held (or "
        "missed), add shared notes, and rate it for yourself: it takes a minute, and your private reflection is "
        "yours alone.",
        path="/o/acme/sessions/12/",
    )
    rows = [
        Reminder(pk=i + 1, organization=organization, kind=Reminder.Kind.LOG_SESSION, recipient=people[i % 500])
        for i in range(N)
    ]
    branding = branding_of(organization)  # once per batch, as the dispatcher does
    unsubscribe = "http://127.0.0.1:8000/unsubscribe/7.1.log_prompts.0123456789abcdef/"
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for reminder in rows:
            email = reminder_mail.reminder_email(
                organization, reminder, message, unsubscribe=unsubscribe, language="en", branding=branding
            )
            email.message().as_bytes()
        best = min(best, time.perf_counter() - started)
    print(f"{N} reminder emails written in {best:.3f} s: {best / N * 1e6:.1f} us each, {N / best:,.0f} a second")


if __name__ == "__main__":
    main()
