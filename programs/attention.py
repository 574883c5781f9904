"""What needs the HR admin now, from programs: applications waiting for a decision (the organization home
asks through mentorhub/accounts/extensions.py). One query, grouped by program."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from mentorhub.accounts.extensions import Attention
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped

from .models import Participant
from .services.participants import DECIDING_PROGRAM_STATUSES

# The home lists the programs with the most applications waiting; the rest are one line with a link.
LISTED = 3


def applications_waiting(organization: Organization) -> list[Attention]:
    rows = list(
        scoped(Participant, organization)
        .filter(status=Participant.Status.APPLIED, program__status__in=DECIDING_PROGRAM_STATUSES)
        .values("program_id", "program__name")
        .annotate(n=Count("id"))
        .order_by("-n", "program__name")
    )
    items = []
    for row in rows[:LISTED]:
        url = reverse("program-participants", kwargs={"org_slug": organization.slug, "program_pk": row["program_id"]})
        items.append(
            Attention(
                count=row["n"],
                text=ngettext(
                    "application waiting for approval in %(program)s",
                    "applications waiting for approval in %(program)s",
                    row["n"],
                )
                % {"program": row["program__name"]},
                url=f"{url}?{urlencode({'status': Participant.Status.APPLIED})}",
            )
        )
    rest = rows[LISTED:]
    if rest:
        total = sum(row["n"] for row in rest)
        items.append(
            Attention(
                count=total,
                text=ngettext(
                    "more application waiting in %(programs)s",
                    "more applications waiting in %(programs)s",
                    total,
                )
                % {
                    "programs": ngettext("%(count)s other program", "%(count)s other programs", len(rest))
                    % {"count": len(rest)}
                },
                url=reverse("program-list", kwargs={"org_slug": organization.slug}),
            )
        )
    return items
