"""Demo analytics for `manage.py seed_demo`, after the mentoring history (demo/sessions/), so that every chart
of program health and the impact report shows something meaningful on acme, and a modest effect:

- cohort.py: a past cohort, "Grow Together 2025" (closed): 35 mentees and 15 mentors who started about twenty
  months ago, six months of mentoring, matches completed or ended early with their reasons;
- roster.py: what acme's roster imports recorded since: departures and promotions (participants leave less
  and move up more than comparable colleagues who never enrolled), and the opt-in self-identification;
- surveys.py: check-ins every 30 days and closing surveys, for the past cohort and the current programs; what
  is due now is asked by the survey planner itself, and the demo member has a check-in waiting for her;
- then the roll-ups of acme and globex, so the dashboards have figures at once.

Idempotent: once acme has any survey response, only the roll-ups are recomputed. Deterministic apart from
today's date (a seeded random generator). Written in bulk, as demo/sessions/ does: every row carries its
organization, timestamps say when things happened, and no reminder is left pending in the past.
"""

from __future__ import annotations

import random
from datetime import UTC

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from analytics.models import SurveyResponse
from analytics.services.rollups import rollup_organization
from mentorhub.accounts.models import Membership, Organization, Role
from mentorhub.tenancy import scoped
from sessions.selectors.notifications import unread_cache_key

from .cohort import seed_past_cohort
from .content import SEED
from .roster import seed_roster_history, seed_self_identification
from .surveys import seed_current_surveys, seed_past_surveys

DEMO_ORGANIZATIONS = ("acme", "globex")


@transaction.atomic
def seed_analytics_demo() -> dict[str, int]:
    """Write acme's analytics history (once), then recompute acme's and globex's roll-ups. Returns counts."""
    figures: dict[str, int] = {}
    acme = Organization.objects.filter(slug="acme").first()
    if acme is not None and not scoped(SurveyResponse, acme).exists():
        figures = _seed(acme)
    for organization in Organization.objects.filter(slug__in=DEMO_ORGANIZATIONS).order_by("slug"):
        summary = rollup_organization(organization=organization)
        figures[f"{organization.slug} match facts"] = summary.matches
    return figures


def _seed(organization: Organization) -> dict[str, int]:
    admin = (
        scoped(Membership, organization).filter(role=Role.ADMIN).select_related("user").order_by("user__email").first()
    )
    if admin is None:
        return {}
    now = timezone.now().astimezone(UTC)

    def rng(part: int) -> random.Random:
        """A generator per part: how many draws one part makes (say, check-in rounds due by today) never
        changes what the next one draws."""
        return random.Random(SEED * 10 + part)

    cohort = seed_past_cohort(organization, admin, rng(1), now)
    past = seed_past_surveys(organization, cohort, rng(2))
    roster = seed_roster_history(organization, cohort, rng(3), now)
    current = seed_current_surveys(organization, rng(4), now)
    shared = seed_self_identification(organization, rng(5))
    # The check-in notices are new: unread counts are cached per person.
    employees = scoped(Membership, organization).exclude(employee=None).values_list("employee_id", flat=True)
    cache.delete_many([unread_cache_key(organization.pk, pk) for pk in employees])
    return {
        "past cohort matches": len(cohort.plans),
        "past survey responses": len(past.responses),
        **{f"roster {key}": value for key, value in roster.items()},
        **{f"current surveys {key}": value for key, value in current.items()},
        "self-identification answers": shared,
    }
