"""The Slack app's data: an organization's installation (the bot token, encrypted), the people linked to their
Slack user (a cache of users.lookupByEmail) and the direct messages sent (one per notice and person, which
also remembers what the person answered with its buttons)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentorhub.accounts.models import Employee, Organization


class SlackInstallation(models.Model):
    """The organization's Slack workspace, installed by one of its admins. Deleted on uninstall: without it
    nothing is sent and no button is answered."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    team_id = models.CharField(max_length=32, db_index=True)
    team_name = models.CharField(max_length=200, blank=True)
    app_id = models.CharField(max_length=32, blank=True)
    bot_user_id = models.CharField(max_length=32, blank=True)
    scopes = models.CharField(max_length=500, blank=True)
    bot_token_encrypted = models.TextField(help_text=_("The bot token, encrypted (integrations/slack/client.py)."))
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    installed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Slack {self.team_name or self.team_id} for {self.organization_id}"


class SlackPerson(models.Model):
    """A roster row linked to its Slack user, found by email (users.lookupByEmail) and kept here; a person not
    found is remembered as such (blank user id) and looked up again after a while."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    slack_user_id = models.CharField(max_length=32, blank=True)
    dms_off = models.BooleanField(default=False, help_text=_("The person asked for no Slack messages."))
    looked_up_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "employee"], name="slack_person_once")]
        indexes = [models.Index(fields=["organization", "slack_user_id"], name="slack_person_user")]

    def __str__(self) -> str:
        return f"Slack user {self.slack_user_id or '-'} of {self.employee_id}"


class SlackMessage(models.Model):
    """One direct message for one notice (kind, object) to one person: the unique key makes a second send of a
    notice handed over again impossible. `outcome` is what the person answered with its buttons, set once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24)
    object_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=32, blank=True)
    ts = models.CharField(max_length=32, blank=True, help_text=_("Slack's id of the message, to update it."))
    text = models.TextField(blank=True, max_length=3000, help_text=_("What it said, shown again with the outcome."))
    outcome = models.CharField(max_length=32, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "object_id", "employee"], name="slack_message_once")
        ]
        indexes = [models.Index(fields=["organization", "employee"], name="slack_message_employee")]

    def __str__(self) -> str:
        return f"Slack {self.kind} {self.object_id} to {self.employee_id} ({self.status})"
