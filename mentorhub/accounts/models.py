"""Accounts and tenancy: who may sign in, which organizations exist, who works there.

Every tenant-owned table carries its own indexed `organization` foreign key, and every unique
constraint includes it (see docs/architecture.md, Tenancy).
"""

from __future__ import annotations

import re
import string
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            gettext("“%(value)s” is not a known time zone (use an IANA name such as Europe/Berlin).") % {"value": value}
        )


# The placeholders a video link template may use: the match's id, the session's id, the organization's slug.
VIDEO_LINK_PLACEHOLDERS = {"match": "12", "session": "34", "org": "acme"}


def validate_video_link_template(value: str) -> None:
    """An https address, fixed or with {match}, {session}, {org} in it (nothing else between braces)."""
    if not value:
        return
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError:
        raise ValidationError(gettext("Unmatched { or }: use {match}, {session} or {org} only.")) from None
    # A format spec or conversion ({match!r}, {org:>9}) counts as unknown too: only the bare names are allowed.
    fields = [name if not (spec or conv) else f"{{{name}…}}" for _, name, spec, conv in parsed if name is not None]
    unknown = sorted({name or "{}" for name in fields} - set(VIDEO_LINK_PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            gettext("Unknown placeholder %(names)s: use {match}, {session} or {org} only.")
            % {"names": ", ".join(unknown)}
        )
    if not value.lower().startswith("https://"):
        raise ValidationError(gettext("Give an https:// address (meeting links are never sent unencrypted)."))
    try:
        URLValidator(schemes=["https"])(value.format(**VIDEO_LINK_PLACEHOLDERS))
    except ValidationError:
        raise ValidationError(gettext("This is not a valid web address.")) from None


def validate_brand_colour(value: str) -> None:
    """A colour as #rrggbb (the emails' button and accent; mentorhub/web/email.py), or empty for MentorHub's."""
    if value and not HEX_COLOUR.match(value):
        raise ValidationError(gettext("Give the colour as # and six hexadecimal digits, such as #1f5fbf."))


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TIME_ZONES: frozenset[str] | None = None


def available_time_zones() -> frozenset[str]:
    global _TIME_ZONES
    if _TIME_ZONES is None:
        _TIME_ZONES = frozenset(zoneinfo.available_timezones())
    return _TIME_ZONES


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can sign in. Signs in with an email address; belongs to organizations via Membership."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # The person's own choice of language for pages, emails and chat messages; blank: the browser's
    # Accept-Language, else the organization's default (mentorhub/accounts/languages.py).
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


# The people directory's optional columns, in display order, that an organization may show its members and
# stakeholders (the name is always shown; HR fields never are). Admins always see every column.
DIRECTORY_COLUMNS = (
    ("title", gettext_lazy("Title")),
    ("department", gettext_lazy("Department")),
    ("email", gettext_lazy("Email")),
    ("employee_id", gettext_lazy("Employee ID")),
    ("location", gettext_lazy("Location")),
    ("time_zone", gettext_lazy("Time zone and local time")),
    ("manager", gettext_lazy("Manager")),
)
DIRECTORY_COLUMN_KEYS = tuple(key for key, _label in DIRECTORY_COLUMNS)


def default_directory_columns() -> list[str]:
    """Every optional column: the member directory as it was before organizations could choose."""
    return list(DIRECTORY_COLUMN_KEYS)


def validate_directory_columns(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(DIRECTORY_COLUMN_KEYS) or len(set(value)) != len(value):
        raise ValidationError(gettext("Choose columns from the list, each at most once."))


MAX_RETENTION_MONTHS = 120


class Organization(models.Model):
    """The tenant. Everything else belongs to exactly one organization."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    min_group_size = models.PositiveSmallIntegerField(
        default=5, help_text=gettext_lazy("Dashboards never show a figure for a group smaller than this.")
    )
    directory_columns = models.JSONField(
        default=default_directory_columns,
        blank=True,
        validators=[validate_directory_columns],
        help_text=gettext_lazy("The people directory's optional columns that members see (DIRECTORY_COLUMNS keys)."),
    )
    # Retention (docs/privacy.md): a leaver's personal data is erased this many months after their leaving date,
    # by a nightly task; 0 turns the automatic erasure off (admins can still erase one person at a time).
    retention_months = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(MAX_RETENTION_MONTHS)],
        help_text=gettext_lazy(
            "Months after someone leaves before their personal data is erased; 0: never automatically."
        ),
    )
    # Find a time and scheduling use it as a session's meeting link when none is given (sessions/services/sessions.py).
    video_link_template = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_video_link_template],
        help_text=gettext_lazy(
            "A meeting link for sessions without one: a fixed Teams/Zoom address, or a room pattern such as "
            "https://meet.jit.si/mentorhub-{org}-{match}-{session}."
        ),
    )
    # The language of people who chose none (pages when the browser asks for none we have; emails and chat
    # messages to people who never signed in). Enrollment questions stay in the words their admin wrote.
    default_language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES)
    # True while the organization has an enabled webhook endpoint (integrations keeps it up to date): without
    # one, recording a domain event in the outbox costs nothing (mentorhub/accounts/outbox.py).
    webhooks_active = models.BooleanField(default=False, editable=False)
    # Branding (Settings -> Branding; mentorhub/accounts/services/branding.py): how the organization's emails look.
    # The name shown in them (empty: the organization's name), its colour (#rrggbb, empty: MentorHub's) and its
    # logo, a PNG or JPEG stored under MEDIA_ROOT/branding/ by the SHA-256 of its bytes (empty: the name instead).
    brand_name = models.CharField(max_length=200, blank=True)
    brand_colour = models.CharField(max_length=7, blank=True, validators=[validate_brand_colour])
    brand_logo = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """One row of an organization's roster, whether or not the person ever signs in."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="employees")
    employee_id = models.CharField(max_length=64)
    email = models.EmailField()
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=120)
    job_level = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    hired_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    # Set by erasure (services/erasure.py): the row stays, anonymised, so figures that count people still count
    # them; the name reads "Erased person".
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "employee_id"], name="employee_unique_id_per_org"),
            models.UniqueConstraint("organization", Lower("email"), name="employee_unique_email_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "name"], name="employee_org_name"),
            models.Index(fields=["organization", "department"], name="employee_org_department"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > timezone.localdate()


class Role(models.TextChoices):
    ADMIN = "admin", gettext_lazy("Admin")
    STAKEHOLDER = "stakeholder", gettext_lazy("Stakeholder")
    MEMBER = "member", gettext_lazy("Member")


class Membership(models.Model):
    """A user's access to one organization, with a role, linked to their roster row when known."""

    Role = Role

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    employee = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set when the person left (deprovisioned by SCIM or a roster import): the membership opens nothing.
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The departure that deactivated this membership also turned the user's sign-in off (their last active
    # membership): a return turns it back on. A sign-in the operator turned off stays off.
    deactivation_disabled_sign_in = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_read_dashboards(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAKEHOLDER)


class EmploymentEvent(models.Model):
    """A change in someone's employment, recorded by roster imports; the raw material of impact figures."""

    class Kind(models.TextChoices):
        HIRED = "hired", gettext_lazy("Hired")
        LEVEL_CHANGE = "level_change", gettext_lazy("Job level change")
        DEPARTMENT_CHANGE = "department_change", gettext_lazy("Department change")
        LEFT = "left", gettext_lazy("Left")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    occurred_on = models.DateField()
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    roster_import = models.ForeignKey(
        "RosterImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["organization", "kind", "occurred_on"], name="event_org_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.employee_id} {self.occurred_on}"

    @property
    def is_promotion(self) -> bool:
        try:
            return self.kind == self.Kind.LEVEL_CHANGE and int(self.new_value) > int(self.old_value)
        except ValueError:
            return False


class TokenScope(models.TextChoices):
    READ = "read", gettext_lazy("Read the API")
    WRITE = "write", gettext_lazy("Write through the API")
    SCIM = "scim", gettext_lazy("SCIM provisioning")


class ApiToken(models.Model):
    """A bearer token for the API, scoped to one organization. Only its SHA-256 hash is stored."""

    Scope = TokenScope

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    # The token acts with this membership's role; removing the membership disables the token.
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=16, help_text=gettext_lazy("The first characters, to recognize a token in lists.")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # Space-separated TokenScope values. The REST API needs read (and write to change things); the SCIM
    # server (/scim/v2/o/<slug>/) accepts only tokens with `scim`.
    scopes = models.CharField(max_length=64, default="read write")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Null: never (tokens made before expiry existed); every new token gets one (services/tokens.py).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "created_at"], name="apitoken_org_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes.split()


class Invitation(models.Model):
    """An admin's invitation of an email address to one organization with a role: usable once, expires."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When the email with the current link was claimed for sending (mentorhub/mail_once.py): a redelivered
    # task finds it set and sends nothing; Resend clears it with the new link.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "created_at"], name="invitation_org_created")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class RosterImport(models.Model):
    """One uploaded roster CSV: validated at upload, applied atomically by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roster_imports")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # The validated rows, so a failed run can be re-run without the upload.
    rows = models.JSONField(default=list)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The claim of the worker applying it and that worker's last sign of life; for a queued import, when its
    # task was last sent. How many times a worker took it (mentorhub/jobs/liveness.py).
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="rosterimport_org_created"),
            # What the sweeper looks for every few seconds: open imports by heartbeat (mentorhub/jobs/sweep.py).
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="rosterimport_open_heartbeat",
            ),
        ]

    def __str__(self) -> str:
        return f"Roster import {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class AuditEvent(models.Model):
    """Who did what, when, to what, with which fields changed. Append-only."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the log still reads right after the user is deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="audit_org_created")]

    def __str__(self) -> str:
        return f"{self.actor_email or 'system'} {self.verb} {self.target_label}"


class OutboxEvent(models.Model):
    """A domain event (mentorhub/accounts/outbox.py), written in the same transaction as the change it reports;
    integrations' webhook dispatcher turns it into deliveries and marks it dispatched."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="outbox_org_created"),
            models.Index(fields=["id"], condition=models.Q(dispatched_at__isnull=True), name="outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"
