"""Mentoring in practice: the meetings of a match (MentoringSession) and what each person says about them
(SessionFeedback), goals with milestones and comments, per-program goal templates, and the delivery side:
reminders as rows with `due_at`, in-app notifications, notification preferences and calendar feeds.

Every table carries its own organization key, and every unique constraint includes it
(docs/architecture.md, Tenancy). Times are stored in UTC; a session also keeps the time zone it was
scheduled in, so its invitation names the zone the scheduler meant.

Privacy, in the data itself: `MentoringSession.shared_notes` belong to the match's members;
`SessionFeedback.reflection` belongs to its author alone (selectors never load it for anyone else).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from mentorhub.accounts.models import Employee, Organization, validate_time_zone
from programs.models import Participant, Program

# Attendance confirmations likewise, in models_confirmations.py.
from .models_confirmations import SessionConfirmation as SessionConfirmation

# Flash mentoring's models live beside, in models_flash.py; re-exported here, where the app's models are found.
from .models_flash import FlashBooking
from .models_flash import FlashSlot as FlashSlot

MIN_DURATION_MINUTES = 10
MAX_DURATION_MINUTES = 480


class MentoringSession(models.Model):
    """One meeting of a match: scheduled ahead, then logged as held, cancelled or missed (or logged at once
    as held, for a meeting that already happened)."""

    class Format(models.TextChoices):
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("Missed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(help_text=_("Start, stored in UTC."))
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(MIN_DURATION_MINUTES), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], help_text=_("The zone it was scheduled in.")
    )
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.VIDEO)
    location = models.CharField(max_length=500, blank=True, help_text=_("A meeting link or a place."))
    agenda = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # Visible to the match's members only (never to admins or stakeholders).
    shared_notes = models.TextField(blank=True, max_length=20000)
    cancel_reason = models.CharField(max_length=500, blank=True)
    scheduled_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    logged_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    logged_at = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE: goes up by one with every change attendees' calendars must take over.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            # A double click (or two tabs) cannot book the same match twice at the same moment.
            models.UniqueConstraint(
                fields=["organization", "match", "starts_at"],
                condition=~Q(status="cancelled"),
                name="session_once_per_match_and_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MIN_DURATION_MINUTES, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="session_duration_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "match", "starts_at"], name="session_org_match_start"),
            models.Index(fields=["organization", "program", "starts_at"], name="session_org_program_start"),
            models.Index(fields=["organization", "status", "starts_at"], name="session_org_status_start"),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} of match {self.match_id} ({self.status})"

    @property
    def ends_at(self) -> datetime:
        # In UTC: arithmetic on a zoned datetime is wall-clock arithmetic, wrong across a clock change.
        return self.starts_at.astimezone(UTC) + timedelta(minutes=self.duration_minutes)


class SessionFeedback(models.Model):
    """One participant's own view of a session. The reflection is private to its author: not the other
    member, not admins, not stakeholders; dashboards only ever read ratings in aggregate."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    topics = models.JSONField(default=list, blank=True, help_text=_("What the session was about, as short tags."))
    reflection = models.TextField(blank=True, max_length=10000, help_text=_("Private: only its author sees it."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "session", "author"], name="feedback_once_per_author"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["organization", "author"], name="feedback_org_author")]

    def __str__(self) -> str:
        return f"Feedback of {self.author_id} on session {self.session_id}"


class GoalTemplate(models.Model):
    """A ready-made goal an HR admin offers in a program; milestones are [{title, due_after_days}]."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="goal_templates")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    milestones = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "title"], name="goal_template_title_once")
        ]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    """What a match (shared) or one participant (personal, seen by them and their mentors) works towards."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DONE = "done", _("Done")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, null=True, blank=True, on_delete=models.CASCADE, related_name="goals")
    participant = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="goals")
    template = models.ForeignKey(GoalTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ON_TRACK)
    created_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Open goals first (by due date), done ones last.
        ordering = [models.F("completed_at").asc(nulls_first=True), "due_on", "id"]
        constraints = [
            # Exactly one owner: the match, or one participant.
            models.CheckConstraint(
                condition=Q(match__isnull=False, participant__isnull=True)
                | Q(match__isnull=True, participant__isnull=False),
                name="goal_belongs_to_match_or_participant",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "match"], name="goal_org_match"),
            models.Index(fields=["organization", "participant"], name="goal_org_participant"),
            models.Index(fields=["organization", "program", "status"], name="goal_org_program_status"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "position", "due_on", "id"]
        indexes = [models.Index(fields=["organization", "goal"], name="milestone_org_goal")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class GoalComment(models.Model):
    """A note on a goal, mostly the mentor's encouragement or advice; visible to whoever sees the goal."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "created_at", "id"]
        indexes = [models.Index(fields=["organization", "goal"], name="goalcomment_org_goal")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on goal {self.goal_id}"


class Reminder(models.Model):
    """One message to one person, due at `due_at`: a row, never a delayed task. A beat task claims due rows
    with SELECT ... FOR UPDATE SKIP LOCKED (sessions/services/dispatch.py). `key` names (kind, target,
    recipient, due slot): the unique constraint makes a second row, and so a second send, impossible."""

    class Kind(models.TextChoices):
        SESSION_INVITE = "session_invite", _("Session invitation")
        SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
        SESSION_24H = "session_24h", _("Session in 24 hours")
        SESSION_1H = "session_1h", _("Session in 1 hour")
        LOG_SESSION = "log_session", _("Log your session")
        MILESTONE_DUE = "milestone_due", _("Milestone due")
        INACTIVITY_NUDGE = "inactivity_nudge", _("No session lately")
        NUDGE_ESCALATION = "nudge_escalation", _("A match needs attention")
        CHECKIN_DUE = "checkin_due", _("Check-in due")
        FIT_CHECK = "fit_check", _("Is this a good match for you?")
        FIT_CONCERN = "fit_concern", _("A member is unsure of their match")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")  # no longer relevant when it came due (rescheduled, logged, done...)
        FAILED = "failed", _("Failed")

    # Indexed by the unique (organization, key) below; the dispatcher updates every row it sends, and each
    # index costs a write per update, so no index here duplicates another.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Not indexed on its own: nothing looks reminders up by person (in-app notices are Notification rows),
    # and people are not deleted, they leave (Employee.left_on).
    recipient = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The target: one of these, by kind.
    session = models.ForeignKey(
        MentoringSession, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    # A flash booking (no match, no MentoringSession): its invitation, reminders and cancellation.
    booking = models.ForeignKey(
        FlashBooking, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    slot = models.CharField(max_length=64, help_text=_("Which occurrence: a start time, a sequence, a period."))
    key = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Who is sending it now: a random id whose PostgreSQL advisory lock the sender holds while it works.
    claim_id = models.BigIntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False, help_text=_("An email went out (not only the in-app notice)."))
    note = models.CharField(max_length=300, blank=True, help_text=_("Why it was skipped, or the last error."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="reminder_key_once")]
        indexes = [
            # The dispatcher's query: due pending rows, oldest first. Partial, so sent history costs nothing.
            models.Index(fields=["due_at"], name="reminder_pending_due", condition=Q(status="pending")),
            models.Index(fields=["claim_id"], name="reminder_claimed", condition=Q(status="claimed")),
            # A session's or a match's reminders (planning; cascades): the target decides the organization.
            models.Index(fields=["session", "status"], name="reminder_session_status"),
            models.Index(fields=["match", "kind"], name="reminder_match_kind"),
            models.Index(fields=["booking", "status"], name="reminder_booking_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id} at {self.due_at:%Y-%m-%d %H:%M} ({self.status})"


class Notification(models.Model):
    """An in-app notice with a link, shown under Notifications with an unread count. A notice made from a
    reminder points at it, at most one per reminder, so redelivery can never show it twice. Other notices
    tell of something a person did (kind MATCH_UPDATE: "Ana ended the match")."""

    MATCH_UPDATE = "match_update"
    BUSY_FEED = "busy_feed"  # the person's calendar address was switched off (sessions/services/busy_feeds.py)
    KIND_CHOICES = [*Reminder.Kind.choices, (MATCH_UPDATE, _("Match update")), (BUSY_FEED, _("Calendar address"))]

    # Both indexed through the (organization, recipient, ...) indexes below.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    recipient = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=24, choices=KIND_CHOICES)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    url = models.CharField(max_length=500, blank=True)
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reminder"],
                condition=Q(reminder__isnull=False),
                name="notification_once_per_reminder",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "recipient", "created_at"], name="notification_org_rcpt_created"),
            models.Index(
                fields=["organization", "recipient"], name="notification_org_rcpt_unread", condition=Q(read_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.recipient_id}"


class NotificationPreference(models.Model):
    """Which kinds of email a person does not want (in-app notices always appear). Absent row: all on."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    email_off = models.JSONField(default=list, blank=True, help_text=_("Categories switched off for email."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "employee"], name="notification_pref_once_per_person")
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.employee_id}"


class CalendarFeed(models.Model):
    """A person's secret iCal subscription address. The token is derived (HMAC of SECRET_KEY and `nonce`),
    so the page can show the address again; only its SHA-256 is looked up. Rotating changes the nonce and
    the old address answers 404 from then on."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "employee"], name="calendar_feed_once")]

    def __str__(self) -> str:
        return f"Calendar feed of {self.employee_id}"


class RecordShare(models.Model):
    """A link a participant made to show their mentoring record (sessions/selectors/record.py) to someone who does
    not sign in, usually their manager for a performance review. Only the SHA-256 of its secret is stored: the
    address is shown once, when it is made. It opens nothing once expired or revoked, and every view is audited."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "token_hash"], name="record_share_token_once")]
        indexes = [
            models.Index(fields=["organization", "employee"], name="record_share_org_employee"),
            # The link is looked up by its hash alone (the secret names the organization).
            models.Index(fields=["token_hash"], name="record_share_token"),
        ]

    def __str__(self) -> str:
        return f"Mentoring record link of {self.employee_id}"

    def is_open(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class AvailabilityWindow(models.Model):
    """A weekly working window of a person: on `weekday` (0 Monday .. 6 Sunday), from `starts` to `ends`, local
    wall-clock times in the person's own zone (Employee.time_zone); several per weekday, never overlapping
    (services/availability.py). Find a time (slot_finder.py) turns them into instants date by date."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["employee", "weekday", "starts", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee", "weekday", "starts"], name="availability_window_once"
            ),
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="availability_window_ends_after"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_window_weekday"),
        ]
        indexes = [models.Index(fields=["organization", "employee"], name="availability_org_employee")]

    def __str__(self) -> str:
        return f"{self.employee_id}: day {self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"


class AwayPeriod(models.Model):
    """Dates a person is away (holidays), first and last day included, in their own zone."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["employee", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="away_period_ends_after"),
        ]
        indexes = [models.Index(fields=["organization", "employee", "ends_on"], name="away_org_employee_end")]

    def __str__(self) -> str:
        return f"{self.employee_id} away {self.starts_on}-{self.ends_on}"


class BusyFeed(models.Model):
    """A person's own calendar, as the free/busy or calendar-export address Outlook or Google publishes: fetched
    hourly (sessions/services/busy_feeds.py) to know when they are busy. The address is a capability (whoever
    has it reads the calendar): stored encrypted, shown only as its host after saving, never logged."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        OFF = "off", _("Switched off")  # failing for days: the person pastes the address again

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    url_encrypted = models.TextField()
    url_host = models.CharField(max_length=255, help_text=_("Shown instead of the address."))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True, help_text=_("The last attempt, in UTC."))
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    # A fetch in progress (its start): a second task for the same feed leaves it alone.
    fetching_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "employee"], name="busy_feed_once")]
        indexes = [models.Index(fields=["status", "last_fetched_at"], name="busy_feed_due")]

    def __str__(self) -> str:
        return f"Busy feed of {self.employee_id}"


class BusyInterval(models.Model):
    """When a person is busy, from their feed: a start and an end in UTC, nothing else (never a title,
    description, place or attendee). Only the next 14 days are kept; each fetch replaces the feed's rows."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    feed = models.ForeignKey(BusyFeed, on_delete=models.CASCADE, related_name="intervals")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", db_index=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="busy_interval_order")]
        indexes = [models.Index(fields=["organization", "employee", "starts_at"], name="busy_interval_person")]

    def __str__(self) -> str:
        return f"Busy {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M} UTC"


class MatchAgreement(models.Model):
    """How a match's members agree to work together: the program's agreement template (programs/agreements.py)
    as they adapted it, one text per section. `version` goes up with every change of the text; a confirmation
    is of one version, and a change removes the confirmations given so far (everyone confirms the same text).
    Made on the first edit or confirmation: until then the members read the program's template."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="agreements")
    sections = models.JSONField(
        default=dict,
        blank=True,
        help_text="{section key: text}",  # untranslated: a note for developers
    )
    version = models.PositiveIntegerField(default=1)
    edited_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "match"], name="agreement_once_per_match")]

    def __str__(self) -> str:
        return f"Agreement of match {self.match_id} (version {self.version})"


class AgreementConfirmation(models.Model):
    """One member's confirmation of one version of their match's agreement."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(MatchAgreement, on_delete=models.CASCADE, related_name="confirmations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "agreement", "employee"], name="agreement_confirmed_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} confirmed version {self.version} of agreement {self.agreement_id}"


class PairingFitAnswer(models.Model):
    """One member's private answer, after the match's first held session, to "Is this a good match for
    you?", with an optional comment for the program's admins. Private to its author and the admins: never
    shown to the match's other members, not even that it exists (selectors load only the viewer's own)."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NOT_SURE = "not_sure", _("Not sure")
        NO = "no", _("No")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    comment = models.TextField(blank=True, max_length=2000, help_text=_("For the program's admins only."))
    # The mentee took the no-fault route: their match ended and a re-match was started.
    rematch_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "match", "author"], name="fit_answer_once_per_person")
        ]
        indexes = [models.Index(fields=["organization", "program"], name="fit_answer_org_program")]

    def __str__(self) -> str:
        return f"Fit answer of {self.author_id} on match {self.match_id}"
