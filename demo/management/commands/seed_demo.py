"""`manage.py seed_demo`: the demo organizations, rosters and sign-ins (demo/accounts.py), then the demo programs,
their matches and six months of mentoring history (demo/programs.py, demo/matching.py, demo/sessions/), and the
analytics: a past cohort, surveys, the roster's departures and promotions since, self-identification, the roll-ups
(demo/analytics/). Idempotent: safe to run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from demo.accounts import seed_accounts_demo
from demo.agreements import seed_agreements_demo
from demo.analytics import seed_analytics_demo
from demo.branding import seed_branding_demo
from demo.flash import seed_flash_demo
from demo.groups import seed_groups_demo
from demo.matching import seed_matching_demo
from demo.programs import seed_programs_demo
from demo.sessions import seed_sessions_demo
from demo.sessions.availability import seed_availability_demo
from demo.skills import seed_skills_demo
from demo.webhooks import seed_webhooks_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organizations, rosters and sign-ins (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        seed_accounts_demo()
        seed_programs_demo()
        seed_matching_demo()  # matches for the demo programs
        seed_sessions_demo()  # six months of sessions and goals
        seed_availability_demo()  # working windows for Find a time, acme's video link template
        seed_flash_demo()  # acme's flash mentoring: office hours, bookings and ratings (before the roll-ups)
        seed_agreements_demo()  # agreements on the active matches, a few pairing-fit answers
        seed_analytics_demo()  # a past cohort, surveys, roster history, roll-ups
        seed_groups_demo()  # acme's employee resource groups (employee groups)
        seed_skills_demo()  # acme's skills catalogue, a skills program with a gap in AI and data, skills growth
        seed_webhooks_demo()  # acme's webhook endpoint with a delivery log (paused: its address is not real)
        seed_branding_demo()  # acme's emails show its logo and colour
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with the README's demo accounts."))
