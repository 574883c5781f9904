"""What needs the HR admin now, from matching: finished runs whose proposals wait for review, and runs that
failed with no later run of their program (the organization home asks through
mentorhub/accounts/extensions.py). One query whatever the number of runs."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorhub.accounts.extensions import Attention
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped

from .models import Match, MatchRun

# Runs listed one by one; an organization with more to review sees the first ones (newest first).
LISTED = 5


def runs_needing_review(organization: Organization) -> list[Attention]:
    later = scoped(MatchRun, organization).filter(
        program_id=OuterRef("program_id"), what_if=False, created_at__gt=OuterRef("created_at")
    )
    runs = list(
        scoped(MatchRun, organization)
        .filter(what_if=False, status__in=[MatchRun.Status.DONE, MatchRun.Status.FAILED])
        .annotate(
            proposed=Count("matches", filter=Q(matches__status=Match.Status.PROPOSED)),
            superseded=Exists(later),
        )
        .filter(Q(status=MatchRun.Status.DONE, proposed__gt=0) | Q(status=MatchRun.Status.FAILED, superseded=False))
        .select_related("program")
        .order_by("-created_at", "-id")[:LISTED]
    )
    items = []
    for run in runs:
        url = reverse(
            "match-run-detail",
            kwargs={"org_slug": organization.slug, "program_pk": run.program_id, "run_pk": run.pk},
        )
        if run.status == MatchRun.Status.FAILED:
            text = _("matching run failed in %(program)s (run %(run)s)") % {"program": run.program.name, "run": run.pk}
            items.append(Attention(count=1, text=text, url=url))
        else:
            text = ngettext(
                "proposed match to review in %(program)s (run %(run)s)",
                "proposed matches to review in %(program)s (run %(run)s)",
                run.proposed,
            ) % {"program": run.program.name, "run": run.pk}
            items.append(Attention(count=run.proposed, text=text, url=url))
    return items
