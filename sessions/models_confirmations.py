"""Who confirmed they will be at a scheduled session: one row per member of the match, for the session as it
stands (its `sequence`). A reschedule raises the session's sequence, so a confirmation of the earlier time no
longer counts (the selectors read only the current sequence's rows) and the person is asked again.

Tenant-owned like every table here: its own organization key, in its unique constraint (docs/architecture.md,
Tenancy)."""

from __future__ import annotations

from django.db import models

from mentorhub.accounts.models import Employee, Organization


class SessionConfirmation(models.Model):
    """`employee` confirmed they will be at `session` as it was at `sequence`."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey("MentoringSession", on_delete=models.CASCADE, related_name="confirmations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "session", "employee"], name="session_confirmed_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} confirmed session {self.session_id} (sequence {self.sequence})"
