"""One-off emails sent by a task go out at most once, however often the task is delivered.

Celery delivers a task again when the worker dies before acknowledging it (late acknowledgement, settings),
and a worker can die in the instant between the mail server accepting a message and the acknowledgement. So
the task claims the email first, with a conditional UPDATE that sets the row's "emailed" timestamp only
where it is empty (docs/architecture.md, "Background work": a unique claim makes a second send impossible),
and sends only when it won the claim. A redelivered task finds the claim and sends nothing.

The price is the other failure: a worker that dies after the claim and before the mail server took the
message leaves an email claimed but never sent. An invitation can be sent again (Resend clears its claim);
a duplicate cannot be taken back. An error while sending (the mail server down, a time limit) gives the
claim back, so the task's retry sends the email.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone


def send_once(claim: QuerySet, *, field: str, send: Callable[[], object]) -> bool:
    """Claim the email on the row(s) of `claim` (a queryset naming exactly the row, with any conditions that
    must still hold), by setting `field` to now where it is empty; then `send()`. Returns False, sending
    nothing, when the claim was lost (already emailed, or the conditions no longer hold)."""
    claimed_at = timezone.now()
    if not claim.filter(**{f"{field}__isnull": True}).update(**{field: claimed_at}):
        return False
    try:
        send()
    except BaseException:
        # Not handed over (or not known to be): the claim goes back, so a retry can send the email.
        claim.filter(**{field: claimed_at}).update(**{field: None})
        raise
    return True
