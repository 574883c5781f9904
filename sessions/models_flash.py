"""Flash mentoring (a program of kind FLASH): a mentor's office-hour slots and members' one-off bookings of
them, with no long-term match. A booking is what a MentoringSession is to a match: it gets the same
invitation (.ics), reminders and calendar-feed entry (sessions/services/flash.py, sessions/flash_messages.py).

Every table carries its own organization key and every unique constraint includes it (docs/architecture.md,
Tenancy). Times are stored in UTC; a slot keeps the zone it was published in for its calendar events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorhub.accounts.models import Organization, validate_time_zone
from programs.models import Participant, Program

MAX_SLOT_CAPACITY = 20
SLOT_MIN_MINUTES = 10
SLOT_MAX_MINUTES = 240


class FlashSlot(models.Model):
    """One office hour of a mentor (the host): `capacity` people may book it, each for a one-off session."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    host = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="flash_slots")
    starts_at = models.DateTimeField(help_text=_("Start, stored in UTC."))
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(SLOT_MIN_MINUTES), MaxValueValidator(SLOT_MAX_MINUTES)]
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_SLOT_CAPACITY)]
    )
    topics = models.TextField(max_length=1000, help_text=_("What the host offers to talk about."))
    location = models.CharField(max_length=500, blank=True, help_text=_("A meeting link or a place."))
    # The slots published together as one weekly series share this (blank for a single slot).
    series = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_SLOT_CAPACITY), name="flash_slot_capacity_in_range"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=SLOT_MIN_MINUTES, duration_minutes__lte=SLOT_MAX_MINUTES),
                name="flash_slot_duration_in_range",
            ),
            # A double click cannot publish the same hour twice.
            models.UniqueConstraint(
                fields=["organization", "host", "starts_at"],
                condition=Q(status="open"),
                name="flash_slot_once_per_host_and_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "program", "starts_at"], name="flash_slot_org_prog_start"),
            models.Index(fields=["organization", "host", "starts_at"], name="flash_slot_org_host_start"),
        ]

    def __str__(self) -> str:
        return f"Office hour {self.pk} of {self.host_id} ({self.status})"

    @property
    def ends_at(self) -> datetime:
        # In UTC: arithmetic on a zoned datetime is wall-clock arithmetic, wrong across a clock change.
        return self.starts_at.astimezone(UTC) + timedelta(minutes=self.duration_minutes)


class FlashBooking(models.Model):
    """One member's place in a slot. Cancelled bookings stay (history, and the calendar's CANCEL); the rating
    is the booker's, given once after the slot ended, and only ever read in aggregate by others."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(FlashSlot, on_delete=models.CASCADE, related_name="bookings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="flash_bookings")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    rated_at = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE of this booking's event: up by one when it is cancelled.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slot", "participant"],
                condition=Q(status="booked"),
                name="flash_booking_once_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="flash_booking_rating_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "slot", "status"], name="flash_booking_org_slot"),
            models.Index(fields=["organization", "participant"], name="flash_booking_org_participant"),
            models.Index(fields=["organization", "program", "status"], name="flash_booking_org_program"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} of slot {self.slot_id} by {self.participant_id} ({self.status})"
