"""Enterprise sign-in and provisioning, per organization.

Every table carries its own indexed `organization` key and every unique constraint includes it, except the
one on a VERIFIED `ClaimedDomain.domain`, which is unique across the deployment on purpose: one email domain
belongs to at most one organization (the one that proved it owns it in DNS), so home-realm discovery can never
send someone to another organization's IdP.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy

from mentorhub.accounts.models import Employee, Organization, User

from .domains import challenge_name, challenge_value


class SsoConnection(models.Model):
    """An organization's identity provider (one per organization), used through allauth: OpenID Connect
    (provider `openid_connect`, provider id `org-<slug>`) or SAML 2.0 (provider `saml`, allauth's
    organization slug = the organization's slug). Secrets are stored encrypted (identity/crypto.py)."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="sso_connection")
    protocol = models.CharField(max_length=8, choices=Protocol.choices, default=Protocol.OIDC)
    enabled = models.BooleanField(
        default=False, help_text=gettext_lazy("Off: nobody is sent to the identity provider.")
    )
    # OpenID Connect
    oidc_issuer = models.URLField(blank=True, help_text=gettext_lazy("The issuer URL; its discovery document is read."))
    oidc_client_id = models.CharField(max_length=255, blank=True)
    oidc_client_secret_encrypted = models.TextField(blank=True)
    oidc_scopes = models.CharField(max_length=255, default="openid email profile")
    # SAML 2.0
    saml_metadata_url = models.URLField(blank=True)
    saml_metadata_xml = models.TextField(blank=True)
    saml_idp_entity_id = models.CharField(max_length=500, blank=True)
    # Which claim / attribute holds what (OIDC claims or SAML attribute names).
    attribute_email = models.CharField(max_length=255, default="email")
    attribute_name = models.CharField(max_length=255, default="name")
    attribute_employee_id = models.CharField(max_length=255, blank=True, default="employee_id")
    # Policy
    require_sso = models.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Members with a claimed email domain must sign in with SSO (admins keep a password + TOTP)."
        ),
    )
    create_on_first_sign_in = models.BooleanField(
        default=True,
        help_text=gettext_lazy("Create the sign-in of a roster person the first time they arrive through SSO."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} sign-in of {self.organization}"

    @property
    def provider_id(self) -> str:
        """allauth's provider id for this organization's app (OIDC) / organization slug (SAML)."""
        slug = self.organization.slug
        return f"org-{slug}" if self.protocol == self.Protocol.OIDC else slug


def new_verification_token() -> str:
    """A random value the organization publishes in DNS to prove it owns a domain."""
    return secrets.token_urlsafe(24)


class ClaimedDomain(models.Model):
    """An email domain an organization claims for SSO. A claim counts (home-realm discovery, "members must use
    SSO", the sign-in rule) only once verified: the organization published `verification_token` in a DNS TXT
    record (identity/domains.py). Pending claims of one domain may exist in several organizations; a verified
    domain belongs to one organization on the deployment, and verifying drops the others' pending claims."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="claimed_domains")
    domain = models.CharField(max_length=253)
    verification_token = models.CharField(max_length=64, default=new_verification_token, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        indexes = [models.Index(fields=["organization", "domain"], name="claimeddomain_org_domain")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "domain"], name="claimeddomain_once_per_org"),
            models.UniqueConstraint(
                fields=["domain"],
                condition=models.Q(verified_at__isnull=False),
                name="claimeddomain_verified_once",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def challenge_name(self) -> str:
        """The name of the DNS TXT record that proves the organization owns the domain."""
        return challenge_name(self.domain)

    @property
    def challenge_value(self) -> str:
        """The value that TXT record must hold."""
        return challenge_value(self.verification_token)


class SsoSignInAttempt(models.Model):
    """One SSO sign-in (or connection test): who, what came back, and why it was refused if it was."""

    class Outcome(models.TextChoices):
        SIGNED_IN = "signed_in", gettext_lazy("Signed in")
        REFUSED = "refused", gettext_lazy("Refused")
        TEST_PASSED = "test_passed", gettext_lazy("Test passed")
        TEST_FAILED = "test_failed", gettext_lazy("Test failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    protocol = models.CharField(max_length=8, choices=SsoConnection.Protocol.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The claims received (for connection tests; sign-ins keep only the mapped values).
    claims = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="ssoattempt_org_created")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.email or 'unknown'}"


class ScimUser(models.Model):
    """What a SCIM client knows of a roster person beyond the roster row: its userName and externalId.
    The Employee is the resource; this row exists once the person was provisioned (or looked up) by SCIM."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="scim_user")
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=255, blank=True)
    given_name = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("organization", Lower("user_name"), name="scimuser_unique_username_per_org"),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="scimuser_unique_external_id_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.user_name


class EmployeeGroup(models.Model):
    """A group of employees: an employee resource group (Women in Leadership, Veterans, ...) or any group
    the identity provider pushes by SCIM. Once a SCIM client manages a group, admins read it only."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="employee_groups")
    display_name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    managed_by_scim = models.BooleanField(default=False)
    members = models.ManyToManyField(Employee, through="EmployeeGroupMember", related_name="employee_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("display_name"), name="employeegroup_unique_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.display_name


class EmployeeGroupMember(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(EmployeeGroup, on_delete=models.CASCADE, related_name="memberships")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="group_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "group", "employee"], name="groupmember_once"),
        ]
        indexes = [models.Index(fields=["organization", "employee"], name="groupmember_org_employee")]

    def __str__(self) -> str:
        return f"{self.employee_id} in {self.group_id}"
