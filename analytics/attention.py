"""What needs the HR admin now, from analytics: matches at risk (program health's definition: the roll-up's
MatchFact.at_risk, analytics/services/rollups.py) and surveys whose open answers close within a week (the
rules of survey_schedule.py). The organization home asks through mentorhub/accounts/extensions.py; two
queries whatever the data."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import Match
from mentorhub.accounts.extensions import Attention
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped

from .models import MatchFact, SurveyAssignment
from .survey_schedule import OPEN_FOR

CLOSING_WITHIN = timedelta(days=7)
LISTED = 3


def matches_at_risk(organization: Organization) -> list[Attention]:
    count = scoped(MatchFact, organization).filter(at_risk=True, match__status=Match.Status.ACTIVE).count()
    if not count:
        return []
    url = reverse("program-health", kwargs={"org_slug": organization.slug}) + "#at-risk"
    return [Attention(count=count, text=ngettext("match at risk", "matches at risk", count), url=url)]


def surveys_closing(organization: Organization) -> list[Attention]:
    """Open answers whose survey closes within CLOSING_WITHIN, by program. A check-in closes OPEN_FOR after it
    was due (or when its match stops being active: already closed, so not counted); the closing survey OPEN_FOR
    after it was asked."""
    now = timezone.now()
    # closes_at = start + OPEN_FOR, with now < closes_at <= now + CLOSING_WITHIN
    low, high = now - OPEN_FOR, now - OPEN_FOR + CLOSING_WITHIN
    checkins = Q(round__gt=0, match__status=Match.Status.ACTIVE, due_at__gt=low, due_at__lte=high)
    closing = Q(round=0, asked__gt=low, asked__lte=high)
    rows = list(
        scoped(SurveyAssignment, organization)
        .filter(status=SurveyAssignment.Status.OPEN)
        .annotate(asked=Greatest("due_at", "created_at"))
        .filter(checkins | closing)
        .values("program_id", "program__name")
        .annotate(n=Count("id"))
        .order_by("-n", "program__name")[:LISTED]
    )
    return [
        Attention(
            count=row["n"],
            text=ngettext(
                "survey answer still owed in %(program)s", "survey answers still owed in %(program)s", row["n"]
            )
            % {"program": row["program__name"]},
            url=reverse("program-surveys", kwargs={"org_slug": organization.slug, "program_pk": row["program_id"]}),
            hint=_("the survey closes within 7 days"),
        )
        for row in rows
    ]
