"""Microsoft Teams: an organization's connection to its Microsoft 365 tenant, the people who talk to the bot,
and every card sent (which is what makes a send, and a click on it, happen once)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorhub.accounts.models import Employee, Organization


class TeamsInstallation(models.Model):
    """An organization's Teams app: which Microsoft 365 tenant (directory) its people's activities come from.
    One tenant belongs to one organization: an activity's tenant id names the organization it is for."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    tenant_id = models.CharField(
        max_length=36, blank=True, help_text=_("The Microsoft 365 (Entra ID) tenant id, a GUID.")
    )
    enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id"], condition=~Q(tenant_id=""), name="teams_tenant_once"),
        ]

    def __str__(self) -> str:
        return f"Teams of organization {self.organization_id} ({'on' if self.enabled else 'off'})"


class TeamsLink(models.Model):
    """A person who talks to the bot: their Teams user and the conversation reference the bot writes to
    (serviceUrl, conversation id). Made when they install the app or first write to it, matched to the roster
    by the email address Teams gives for them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    teams_user_id = models.CharField(max_length=200, help_text=_("The user's id in the bot's conversations (29:...)."))
    aad_object_id = models.CharField(max_length=36, blank=True)
    service_url = models.URLField(max_length=300)
    conversation_id = models.CharField(max_length=300)
    linked_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "employee"], name="teams_link_once_per_person"),
            models.UniqueConstraint(fields=["organization", "teams_user_id"], name="teams_link_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"Teams link of {self.employee_id}"


class TeamsCard(models.Model):
    """One card sent to one person about one thing (kind, object: a reminder, or a match for "match_proposed"):
    the unique key makes a second send impossible, and the row's `outcome` makes a click act once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    activity_id = models.CharField(max_length=200, blank=True, help_text=_("The message's id in the conversation."))
    conversation_id = models.CharField(max_length=300, blank=True)
    service_url = models.URLField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text=_("The last error, when sending failed."))
    outcome = models.CharField(max_length=300, blank=True, help_text=_("What the person's click did."))
    acted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "object_id", "employee"], name="teams_card_once_per_notice"
            ),
        ]
        indexes = [models.Index(fields=["organization", "employee"], name="teams_card_org_employee")]

    def __str__(self) -> str:
        return f"Teams card {self.kind} {self.object_id} to {self.employee_id} ({self.status})"
